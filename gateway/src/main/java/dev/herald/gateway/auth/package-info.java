/**
 * The gateway's side of subscriber authentication: its settings and the grant a stream carries. Tokens are
 * verified, and topic patterns matched, by the shared {@link dev.herald.common.auth} classes the publisher
 * uses too; {@link dev.herald.gateway.http.AuthHandler} applies them at the HTTP edge.
 */
package dev.herald.gateway.auth;
