package dev.herald.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The system under test, as the load generator sees it: how to subscribe (path and headers of the SSE
 * request) and how to publish (one event, or a batch where the system has a batch API).
 *
 * <ul>
 *   <li>{@code herald}: {@code GET /v1/stream?topic=t}, {@code POST /v1/topics/t/events} with
 *       {@code {"data":"..."}}, {@code POST /v1/events} with a JSON array.</li>
 *   <li>{@code nchan}: {@code GET /sub?id=t} (an {@code nchan_subscriber eventsource} location),
 *       {@code POST /pub?id=t} with the data as the raw body (an {@code nchan_publisher} location); no
 *       batch API.</li>
 * </ul>
 * Event data never contains characters that need escaping in JSON or that would split an SSE data line.
 */
public final class Target {
    public enum Kind { HERALD, NCHAN }

    private final Kind kind;
    private final List<InetSocketAddress> subscribeAddresses;
    private final InetSocketAddress publishAddress;

    public Target(Kind kind, List<InetSocketAddress> subscribeAddresses, InetSocketAddress publishAddress) {
        this.kind = kind;
        this.subscribeAddresses = List.copyOf(subscribeAddresses);
        this.publishAddress = publishAddress;
    }

    public static Kind kind(String name) {
        switch (name) {
            case "herald": return Kind.HERALD;
            case "nchan": return Kind.NCHAN;
            default: throw new IllegalArgumentException("--target must be herald or nchan, not " + name);
        }
    }

    public static InetSocketAddress address(String url) {
        URI u = URI.create(url.contains("://") ? url : "http://" + url);
        return new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort());
    }

    public Kind kind() {
        return kind;
    }

    public boolean isHerald() {
        return kind == Kind.HERALD;
    }

    public boolean hasBatchApi() {
        return kind == Kind.HERALD;
    }

    /** The subscribe server for connection {@code i}: round-robin over the given gateways. */
    public InetSocketAddress subscribeAddress(int i) {
        return subscribeAddresses.get(Math.floorMod(i, subscribeAddresses.size()));
    }

    public List<InetSocketAddress> subscribeAddresses() {
        return subscribeAddresses;
    }

    public InetSocketAddress publishAddress() {
        return publishAddress;
    }

    /** The whole SSE request, resuming after {@code lastEventId} when it is not null. */
    public byte[] subscribeRequest(InetSocketAddress server, String topic, String lastEventId) {
        String path = kind == Kind.HERALD ? "/v1/stream?topic=" + topic : "/sub?id=" + topic;
        StringBuilder sb = new StringBuilder(160).append("GET ").append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host(server)).append("\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
        if (lastEventId != null) {
            sb.append("Last-Event-ID: ").append(lastEventId).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Request line and headers of a single-event publish, without the Content-Length line and blank line. */
    public String publishHead(String topic) {
        String host = host(publishAddress);
        if (kind == Kind.HERALD) {
            return "POST /v1/topics/" + topic + "/events HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n";
        }
        return "POST /pub?id=" + topic + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\n";
    }

    /** Request line and headers of a batch publish (Herald only). */
    public String batchHead() {
        return "POST /v1/events HTTP/1.1\r\nHost: " + host(publishAddress) + "\r\nContent-Type: application/json\r\n";
    }

    /** The body of a single-event publish carrying {@code data}. */
    public void appendPublishBody(StringBuilder out, String data) {
        if (kind == Kind.HERALD) {
            out.append("{\"data\":\"").append(data).append("\"}");
        } else {
            out.append(data);
        }
    }

    private static String host(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
