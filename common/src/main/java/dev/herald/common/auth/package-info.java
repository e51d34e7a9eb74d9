/**
 * Who may publish and subscribe to what: verification of JWTs and static API keys into an immutable
 * {@link dev.herald.common.auth.Grant}, glob topic patterns, and the HTTP header forms both services speak.
 * Nothing here depends on Undertow, so each service wraps it in its own handler.
 */
package dev.herald.common.auth;
