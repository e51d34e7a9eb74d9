package dev.herald.common.config;

import com.typesafe.config.Config;

/**
 * The listeners of a service: {@code herald.http.*} (public) and {@code herald.admin.*} (health, metrics).
 *
 * @param ioThreads XNIO IO threads; each owns a share of the connections and all their socket work
 * @param adminPort -1 when the admin listener is disabled
 * @param adminToken the bearer token /debug/* needs on an admin listener that is not on loopback; empty: none
 * @param clients   request-head and idle timeouts and the lingering close, for every listener
 */
public record HttpSettings(String host, int port, int ioThreads, String adminHost, int adminPort, String adminToken,
                           ClientTimeouts clients) {

    public static HttpSettings from(Config c) {
        int port = c.getInt("herald.http.port");
        ConfigLoader.check(c, "herald.http.port", port >= 0 && port <= 65535, "must be a TCP port (0 picks a free one)");
        int io = c.getInt("herald.http.io-threads");
        ConfigLoader.check(c, "herald.http.io-threads", io >= 0 && io <= 1024, "must be between 0 (one per core) and 1024");
        int admin = c.getInt("herald.admin.port");
        ConfigLoader.check(c, "herald.admin.port", admin >= -1 && admin <= 65535, "must be a TCP port, 0 for a free one or -1 for none");
        return new HttpSettings(c.getString("herald.http.host"), port,
                io == 0 ? Runtime.getRuntime().availableProcessors() : io,
                c.getString("herald.admin.host"), admin, c.getString("herald.admin.token"), ClientTimeouts.from(c));
    }
}
