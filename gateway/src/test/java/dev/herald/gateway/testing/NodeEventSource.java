package dev.herald.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An EventSource driven from a Node process and subscribed to a URL: the npm {@code eventsource} package
 * (src/test/node/listen.mjs) or a headless Chromium's own (browser-listen.mjs). What it received, line by line
 * ({@code open}, {@code error}, {@code event}), is read by a thread of its own.
 */
public final class NodeEventSource implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process node;
    private final Thread reader;
    private final List<JsonNode> lines = new ArrayList<>();

    /** The npm {@code eventsource} package listening to {@code url} for at most {@code seconds}; stderr goes to {@code errors}. */
    public NodeEventSource(String url, int seconds, Path errors) throws Exception {
        this("listen.mjs", url, seconds, errors);
    }

    /** Chromium's EventSource listening to {@code url} for at most {@code seconds}; stderr goes to {@code errors}. */
    public static NodeEventSource chromium(String url, int seconds, Path errors) throws Exception {
        return new NodeEventSource("browser-listen.mjs", url, seconds, errors);
    }

    /** As {@link #chromium(String, int, Path)}, with {@code cookie} ({@code name=value}) set for the URL's origin first. */
    public static NodeEventSource chromium(String url, int seconds, Path errors, String cookie) throws Exception {
        return new NodeEventSource("browser-listen.mjs", url, seconds, errors, cookie);
    }

    private NodeEventSource(String script, String url, int seconds, Path errors) throws Exception {
        this(script, url, seconds, errors, null);
    }

    private NodeEventSource(String script, String url, int seconds, Path errors, String cookie) throws Exception {
        NodeClients.install();
        ProcessBuilder builder = new ProcessBuilder("node", script, url, Integer.toString(seconds))
                .directory(NodeClients.DIR.toFile()).redirectError(errors.toFile());
        if (cookie != null) {
            builder.environment().put("COOKIE", cookie);
        }
        node = builder.start();
        reader = new Thread(this::read, "node-eventsource");
        reader.start();
    }

    private void read() {
        try (var in = node.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode parsed = JSON.readTree(line);
                synchronized (lines) {
                    lines.add(parsed);
                }
            }
        } catch (IOException e) {
            // node exited
        }
    }

    /** How many lines of {@code kind} it printed so far. */
    public long count(String kind) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.get("kind").asText().equals(kind)).count();
        }
    }

    /** The {@code lastEventId} of the events of {@code type} received so far, in order. */
    public List<String> ids(String type) {
        List<String> received = new ArrayList<>();
        synchronized (lines) {
            for (JsonNode l : lines) {
                if (l.get("kind").asText().equals("event") && l.get("type").asText().equals(type)) {
                    received.add(l.get("id").asText());
                }
            }
        }
        return received;
    }

    /** The data of the events of {@code type} received so far, in order. */
    public List<String> data(String type) {
        List<String> received = new ArrayList<>();
        synchronized (lines) {
            for (JsonNode l : lines) {
                if (l.get("kind").asText().equals("event") && l.get("type").asText().equals(type)) {
                    received.add(l.get("data").asText());
                }
            }
        }
        return received;
    }

    @Override
    public void close() throws InterruptedException {
        node.destroy();
        reader.join(5000);
    }
}
