/** The {@code text/event-stream} wire format. */
package dev.herald.common.sse;
