package dev.herald.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.herald.testing.TestCertificates;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS settings: working PEM and PKCS#12 setups, and every misconfiguration failing with one clear line. */
class TlsSettingsTest {
    static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create();
    }

    private static Config config(Map<String, Object> tls) {
        Map<String, Object> all = new HashMap<>();
        all.put("herald.tls.enabled", true);
        tls.forEach((k, v) -> all.put("herald.tls." + k, v));
        return ConfigFactory.parseMap(all).withFallback(ConfigLoader.load()).resolve();
    }

    private static TlsSettings read(Map<String, Object> tls) {
        return ConfigLoader.read(config(tls), TlsSettings::from);
    }

    @Test
    void tlsIsOffByDefault() {
        assertThat(ConfigLoader.read(ConfigLoader.load(), TlsSettings::from).enabled()).isFalse();
    }

    @Test
    void aPemCertificateAndKeyMakeAContext() {
        TlsSettings tls = read(Map.of("certificate", certs.certificate().toString(), "private-key", certs.privateKey().toString()));
        assertThat(tls.enabled()).isTrue();
        assertThat(tls.http2()).isTrue();
        assertThat(tls.context()).isNotNull();
    }

    @Test
    void aPkcs12KeystoreMakesAContext() {
        TlsSettings tls = read(Map.of("keystore", certs.keystore().toString(), "keystore-password", TestCertificates.KEYSTORE_PASSWORD));
        assertThat(tls.context()).isNotNull();
    }

    @Test
    void aMissingKeyFileFailsNamingTheKeyAndTheFile() {
        assertFails(Map.of("certificate", certs.certificate().toString(), "private-key", "/nonexistent/key.pem"),
                "herald.tls.private-key", "/nonexistent/key.pem");
    }

    @Test
    void aMissingCertificateFileFailsNamingTheKeyAndTheFile() {
        assertFails(Map.of("certificate", "/nonexistent/cert.pem", "private-key", certs.privateKey().toString()),
                "herald.tls.certificate", "/nonexistent/cert.pem");
    }

    @Test
    void aWrongKeystorePasswordFailsClearly() {
        assertFails(Map.of("keystore", certs.keystore().toString(), "keystore-password", "wrong"),
                "herald.tls.keystore", "wrong password");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateFailsClearly() {
        assertFails(Map.of("certificate", certs.certificate().toString(), "private-key", certs.otherPrivateKey().toString()),
                "herald.tls.private-key", "does not match");
    }

    @Test
    void aPkcs1KeyFailsWithTheCommandThatConvertsIt() {
        assertFails(Map.of("certificate", certs.certificate().toString(), "private-key", certs.pkcs1PrivateKey().toString()),
                "herald.tls.private-key", "openssl pkcs8");
    }

    @Test
    void aCertificateFileWithoutACertificateFailsClearly() {
        assertFails(Map.of("certificate", certs.privateKey().toString(), "private-key", certs.privateKey().toString()),
                "herald.tls.certificate", "no PEM 'CERTIFICATE'");
    }

    @Test
    void enablingTlsWithoutAnyKeyMaterialFailsClearly() {
        assertFails(Map.of(), "herald.tls.certificate", "required");
    }

    private static void assertFails(Map<String, Object> tls, String key, String detail) {
        assertThatThrownBy(() -> read(tls))
                .isInstanceOf(ConfigLoader.BadConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(detail)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
