/** The publisher's own meters and the handler that times each route's requests. */
package dev.herald.publisher.metrics;
