/** The gateway's HTTP edge: request validation, the SSE stream endpoint and the demo page. */
package dev.herald.gateway.http;
