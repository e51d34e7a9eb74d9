/**
 * Authentication and authorisation of publisher requests: a handler that turns credentials (a JWT or an
 * API key) into a {@link dev.herald.common.auth.Grant} attached to the exchange, and the topic checks the
 * routes make against it once they know the topics.
 */
package dev.herald.publisher.auth;
