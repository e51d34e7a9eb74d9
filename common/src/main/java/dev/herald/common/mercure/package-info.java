/**
 * The Mercure protocol on Herald: how an update is stored (one Herald topic, the update's URIs and its ID in
 * the entry), topic selectors (exact, URI Template, {@code *}), the {@code mercure} JWT claim, and where a
 * request's token comes from. Shared by the publisher (publish) and the gateway (subscribe).
 */
package dev.herald.common.mercure;
