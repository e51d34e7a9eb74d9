package dev.herald.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates for TLS tests, made by the {@code openssl} command as an operator would:
 * a PEM certificate for localhost/127.0.0.1 with its PKCS#8 key, the same pair as a PKCS#12 keystore,
 * and a client {@link SSLContext} that trusts exactly that certificate.
 */
public final class TestCertificates {
    public static final String KEYSTORE_PASSWORD = "changeit";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates create() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("herald-tls");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        openssl(dir, "pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-out", "keystore.p12",
                "-passout", "pass:" + KEYSTORE_PASSWORD);
        openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "other-key.pem");
        openssl(dir, "rsa", "-in", "key.pem", "-traditional", "-out", "pkcs1-key.pem");
        return new TestCertificates(dir);
    }

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public Path privateKey() {
        return dir.resolve("key.pem");
    }

    /** A key that does not belong to {@link #certificate()}. */
    public Path otherPrivateKey() {
        return dir.resolve("other-key.pem");
    }

    /** The same key in the traditional PKCS#1 form, which Herald asks to convert. */
    public Path pkcs1PrivateKey() {
        return dir.resolve("pkcs1-key.pem");
    }

    public Path keystore() {
        return dir.resolve("keystore.p12");
    }

    /** A client context that trusts the test certificate and nothing else. */
    public SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate())) {
            trust.setCertificateEntry("herald", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
