package dev.herald.gateway.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.gateway.testing.NodeClients;
import dev.herald.gateway.testing.ProcessCluster;
import dev.herald.gateway.testing.ServiceProcess;
import dev.herald.gateway.testing.SseClient;
import dev.herald.testing.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The token examples of docs/security.md ("Minting tokens in code", files in docs/examples): each is run as a
 * user would, and the token it prints must open a stream on a gateway with authentication on and deliver a
 * published event. The docs must show each file as it is.
 */
class TokenExamplesIT {
    private static final String SECRET = "token-examples-secret-0123456789-abcdefghij";
    private static final Path EXAMPLES = Path.of("..", "docs", "examples").toAbsolutePath().normalize();
    private static final Path SECURITY_MD = EXAMPLES.resolveSibling("security.md");
    /** Debian's Python, where apt installs python3-jwt (a pyenv python3 earlier on PATH would not have it). */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Duration WAIT = Duration.ofSeconds(10);

    static ProcessCluster cluster;
    static ServiceProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        cluster = ProcessCluster.start("token-examples", RedisServer.Options.defaults(), 1,
                Map.of("herald.auth.enabled", "true", "herald.auth.jwt.hs256-secret", SECRET));
        gateway = cluster.gateway(0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void withoutATokenTheStreamIsRefused() throws Exception {
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=orders.eu", Map.of())) {
            assertThat(c.status()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mint-token.mjs", "mint_token.py", "MintToken.java"})
    void theExamplesTokenOpensAStream(String example) throws Exception {
        assertThat(Files.readString(SECURITY_MD)).as("docs/security.md shows %s as it is", example)
                .contains(Files.readString(EXAMPLES.resolve(example)).strip());
        String token = run(example);

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("user-42");
        assertThat(claims.getStringListClaim("herald.subscribe")).containsExactly("orders.*");
        assertThat(claims.getExpirationTime().toInstant()).isBetween(Instant.now().plusSeconds(14 * 60), Instant.now().plusSeconds(15 * 60));

        String topic = "orders." + example.replaceAll("[^a-z]", "");
        try (SseClient c = SseClient.open(gateway.port(), "/v1/stream?topic=" + topic, Map.of("Authorization", "Bearer " + token))) {
            assertThat(c.status()).as("status, body %s", c.errorBody()).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> !c.comments().isEmpty());
            publish(topic, "hello from " + example);
            c.awaitData(1, WAIT);
            assertThat(c.data()).containsExactly("hello from " + example);
        }
    }

    /** Runs an example with the secret in its environment and returns what it printed. */
    private static String run(String example) throws Exception {
        Path file = EXAMPLES.resolve(example);
        ProcessBuilder pb = switch (example) {
            // From stdin, bare imports resolve from the working directory, where the test's npm packages are.
            case "mint-token.mjs" -> {
                NodeClients.install();
                yield new ProcessBuilder("node", "--input-type=module").redirectInput(file.toFile()).directory(NodeClients.DIR.toFile());
            }
            case "mint_token.py" -> {
                assumeTrue(Files.isExecutable(PYTHON), PYTHON + " is missing (apt-get install -y python3-jwt)");
                yield new ProcessBuilder(PYTHON.toString(), file.toString());
            }
            case "MintToken.java" -> {
                Path nimbus = Path.of(SignedJWT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                yield new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", nimbus.toString(), file.toString());
            }
            default -> throw new IllegalArgumentException(example);
        };
        pb.environment().put("HERALD_JWT_SECRET", SECRET);
        Path err = cluster.dir().resolve(example + ".err");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", example).isTrue();
        assertThat(p.exitValue()).as("%s exit status; stderr: %s", example, Files.readString(err)).isZero();
        return out;
    }

    private static void publish(String topic, String data) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cluster.publisher().port() + "/v1/topics/" + topic + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"" + data + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
}
