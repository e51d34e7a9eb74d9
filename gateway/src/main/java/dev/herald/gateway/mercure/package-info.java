/**
 * {@code GET /.well-known/mercure}: Mercure subscriptions served as ordinary Herald streams of the Mercure
 * topic, with a per-stream filter (selectors, private updates) and Mercure event IDs as resume points.
 */
package dev.herald.gateway.mercure;
