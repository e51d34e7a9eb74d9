package dev.herald.gateway.connection;

/**
 * The per-connection bounds of the write path.
 *
 * @param maxPendingBytes       queued bytes beyond which the connection is shed; replay and held live
 *                              events obey it too
 * @param maxUnwritableNanos    how long the socket may accept nothing before the connection is shed
 * @param heartbeatIntervalNanos idle time before a comment frame is sent
 * @param writeWindowNanos      least time between two live writes, 0 to write at once
 * @param maxReplayEvents       events one resume may replay per partition before the client is told to
 *                              reset and goes live
 */
public record ConnectionLimits(long maxPendingBytes, long maxUnwritableNanos, long heartbeatIntervalNanos, long writeWindowNanos, long maxReplayEvents) {
    /** Replay emits more only while less than this is queued, so live frames are never starved. */
    long replayHighWater() {
        return maxPendingBytes / 2;
    }
}
