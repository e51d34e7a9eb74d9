/** Test support: a publisher running in the test's JVM, with clients to call it and to read Redis. */
package dev.herald.publisher.testing;
