/**
 * Test harness that gives tests a real Redis: {@link dev.herald.testing.RedisServer} runs one server (in Docker
 * when available, else {@code redis-server} from {@code PATH}) and {@link dev.herald.testing.RedisExtension} ties
 * one to a JUnit test class. Shipped in herald-common's test-jar for the other modules' tests.
 */
package dev.herald.testing;
