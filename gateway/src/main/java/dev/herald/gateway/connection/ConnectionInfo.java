package dev.herald.gateway.connection;

import java.util.List;

/**
 * One stream as the diagnostics show it.
 *
 * @param remoteAddress    the client (or the load balancer in front of it)
 * @param ageMillis        how long the stream has been open
 * @param bytesSent        bytes the socket accepted
 * @param pendingBytes     bytes queued and not yet written
 * @param unwritableMillis how long the socket has accepted nothing (0 if it is writable)
 * @param replaying        true while it replays history
 */
public record ConnectionInfo(String remoteAddress, List<String> topics, long ageMillis, long bytesSent, long pendingBytes,
                             long unwritableMillis, boolean replaying) {
}
