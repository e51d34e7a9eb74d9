/** Appending validated events to Redis: partition feeds and topic histories. */
package dev.herald.publisher.stream;
