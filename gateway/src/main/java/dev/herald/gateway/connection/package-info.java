/**
 * SSE connections: per-connection queues of shared frames, non-blocking gathering writes on the IO
 * thread, the pending-bytes bound and shedding, heartbeats, and the replay-to-live handoff on resume.
 */
package dev.herald.gateway.connection;
