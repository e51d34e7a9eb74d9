/** The event model, stream entry IDs and the cursor codec behind SSE event IDs. */
package dev.herald.common.event;
