/** The publisher service: accepts events over REST and appends them to Redis Streams. */
package dev.herald.publisher;
