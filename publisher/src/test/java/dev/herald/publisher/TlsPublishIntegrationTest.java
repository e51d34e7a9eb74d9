package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.publisher.testing.TestPublisher;
import dev.herald.testing.RedisExtension;
import dev.herald.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The publisher's TLS listener: HTTP/2 by ALPN, beside the plain listener. */
class TlsPublishIntegrationTest {
    @RegisterExtension
    static RedisExtension redis = new RedisExtension();

    @Test
    void publishingOverTlsNegotiatesHttp2AndThePlainListenerStillServes() throws Exception {
        TestCertificates certs = TestCertificates.create();
        try (TestPublisher publisher = TestPublisher.start(redis.uri(), Map.of("herald.tls.enabled", true, "herald.tls.port", 0,
                "herald.tls.certificate", certs.certificate().toString(), "herald.tls.private-key", certs.privateKey().toString()))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(certs.clientContext()).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + publisher.publisher().tlsPort() + "/v1/topics/tls-t/events"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"data\":\"secure\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(publisher.post("/v1/topics/tls-t/events", "{\"data\":\"plain\"}").statusCode()).isEqualTo(201);
        }
    }
}
