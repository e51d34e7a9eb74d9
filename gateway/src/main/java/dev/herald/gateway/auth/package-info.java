/**
 * Who may subscribe to what: the gateway's own narrow view of authentication ({@link
 * dev.herald.gateway.auth.SubscriberAuthenticator}), a JWT implementation of it, and topic patterns. Kept
 * behind that one interface so the implementation can be replaced by a shared verifier without touching
 * the HTTP edge.
 */
package dev.herald.gateway.auth;
