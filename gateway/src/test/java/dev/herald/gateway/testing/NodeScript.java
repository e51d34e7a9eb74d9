package dev.herald.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A script under {@link NodeClients#DIR} commanded by JSON lines: it prints {@code {"kind":"ready"}} once set
 * up, then answers each {@code {"id":n,"cmd":...}} on stdin with one {@code {"id":n,"ok":...}} line on stdout.
 */
public final class NodeScript implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process node;
    private final Path stderr;
    private final BufferedWriter commands;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private int nextId;

    private NodeScript(Process node, Path stderr) {
        this.node = node;
        this.stderr = stderr;
        this.commands = node.outputWriter(StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (var in = node.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(JSON.readTree(line));
                }
            } catch (IOException e) {
                // node exited
            }
        }, "node-script-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code node <args>}, stderr to {@code stderr}, and waits for its ready line. */
    public static NodeScript start(List<String> args, Path stderr, Duration readyTimeout) throws Exception {
        NodeClients.install();
        List<String> cmd = new ArrayList<>(List.of("node"));
        cmd.addAll(args);
        Process node = new ProcessBuilder(cmd).directory(NodeClients.DIR.toFile()).redirectError(stderr.toFile()).start();
        NodeScript script = new NodeScript(node, stderr);
        JsonNode first = script.next(readyTimeout);
        assertThat(first.path("kind").asText()).as("%s: %s", args.get(0), first).isEqualTo("ready");
        return script;
    }

    public JsonNode command(String cmd) throws Exception {
        return command(cmd, Map.of());
    }

    /** Sends a command with {@code args} as its other fields and returns its answer, which must be ok. */
    public JsonNode command(String cmd, Map<String, Object> args) throws Exception {
        int id = ++nextId;
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("cmd", cmd);
        args.forEach((k, v) -> msg.set(k, JSON.valueToTree(v)));
        commands.write(msg + "\n");
        commands.flush();
        while (true) {
            JsonNode reply = next(Duration.ofSeconds(30));
            if (reply.path("id").asInt() == id) {
                assertThat(reply.path("ok").asBoolean()).as("%s failed: %s", cmd, reply).isTrue();
                return reply;
            }
        }
    }

    private JsonNode next(Duration timeout) throws Exception {
        JsonNode line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            throw new AssertionError("no answer from node in " + timeout.toSeconds() + " s (alive: " + node.isAlive()
                    + "); its stderr is in " + stderr);
        }
        return line;
    }

    @Override
    public void close() throws Exception {
        commands.close();
        if (!node.waitFor(5, TimeUnit.SECONDS)) {
            node.destroy();
            node.waitFor(5, TimeUnit.SECONDS);
            node.destroyForcibly();
        }
    }
}
