/** The gateway's HTTP edge: request validation and the SSE stream endpoint. */
package dev.herald.gateway.http;
