/** The gateway service: tails Redis partition feeds and fans events out to SSE streams. */
package dev.herald.gateway;
