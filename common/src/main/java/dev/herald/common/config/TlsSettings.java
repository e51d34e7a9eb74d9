package dev.herald.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The {@code herald.tls.*} listener: off, or on with an {@link SSLContext} built and checked at start —
 * a missing file, a wrong password or a key that does not match the certificate fails the start with one
 * line naming the key and the file.
 *
 * @param context null when TLS is off
 */
public record TlsSettings(boolean enabled, int port, boolean http2, SSLContext context) {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    public static TlsSettings from(Config c) {
        if (!c.getBoolean("herald.tls.enabled")) {
            return new TlsSettings(false, -1, false, null);
        }
        int port = c.getInt("herald.tls.port");
        ConfigLoader.check(c, "herald.tls.port", port >= 0 && port <= 65535, "must be a TCP port (0 picks a free one)");
        String cert = c.getString("herald.tls.certificate");
        String key = c.getString("herald.tls.private-key");
        String keystore = c.getString("herald.tls.keystore");
        KeyStore store;
        if (!keystore.isEmpty()) {
            ConfigLoader.check(c, "herald.tls.certificate", cert.isEmpty() && key.isEmpty(), "give either a keystore or a certificate and key, not both");
            store = pkcs12(c, keystore, c.getString("herald.tls.keystore-password"));
        } else {
            ConfigLoader.check(c, "herald.tls.certificate", !cert.isEmpty(), "is required when TLS is enabled (or set herald.tls.keystore)");
            ConfigLoader.check(c, "herald.tls.private-key", !key.isEmpty(), "is required with herald.tls.certificate");
            store = pem(c, cert, key);
        }
        return new TlsSettings(true, port, c.getBoolean("herald.tls.http2"), context(c, store));
    }

    private static KeyStore pkcs12(Config c, String file, String password) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            return store;
        } catch (NoSuchFileException e) {
            throw bad(c, "herald.tls.keystore", "file " + file + " does not exist");
        } catch (IOException | GeneralSecurityException e) {
            String why = e.getCause() instanceof javax.crypto.BadPaddingException || String.valueOf(e.getMessage()).contains("password")
                    ? "wrong password or damaged file" : e.getMessage();
            throw bad(c, "herald.tls.keystore", "cannot read " + file + ": " + why);
        }
    }

    private static KeyStore pem(Config c, String certFile, String keyFile) {
        List<Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(c, "herald.tls.certificate", certFile, "CERTIFICATE")) {
                chain.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw bad(c, "herald.tls.certificate", "file " + certFile + " holds no valid certificate: " + e.getMessage());
        }
        List<byte[]> keys = blocks(c, "herald.tls.private-key", keyFile, "PRIVATE KEY");
        PrivateKey key = privateKey(c, keyFile, keys.get(0));
        PublicKey certKey = chain.get(0).getPublicKey();
        if (!matches(key, certKey)) {
            throw bad(c, "herald.tls.private-key", "the key in " + keyFile + " does not match the certificate in " + certFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("herald", key, new char[0], chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> blocks(Config c, String configKey, String file, String type) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw bad(c, configKey, "file " + file + " does not exist");
        } catch (IOException e) {
            throw bad(c, configKey, "cannot read " + file + ": " + e.getMessage());
        }
        List<byte[]> found = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                found.add(Base64.getMimeDecoder().decode(m.group(2)));
            } else if (type.equals("PRIVATE KEY") && m.group(1).endsWith("PRIVATE KEY")) {
                throw bad(c, configKey, file + " holds a " + m.group(1) + "; convert it to PKCS#8 with "
                        + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem'");
            }
        }
        if (found.isEmpty()) {
            throw bad(c, configKey, "file " + file + " holds no PEM '" + type + "' block");
        }
        return found;
    }

    private static PrivateKey privateKey(Config c, String file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw bad(c, "herald.tls.private-key", "file " + file + " holds no RSA, EC or Ed25519 PKCS#8 key");
    }

    /** Signs and verifies a probe: the only test of a key pair that works for every algorithm. */
    private static boolean matches(PrivateKey key, PublicKey certKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "herald".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certKey);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static SSLContext context(Config c, KeyStore store) {
        try {
            if (!store.aliases().hasMoreElements()) {
                throw bad(c, "herald.tls.keystore", "the keystore holds no key");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, c.getString("herald.tls.keystore-password").toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw bad(c, "herald.tls.keystore", "unusable key: " + e.getMessage());
        }
    }

    private static ConfigException bad(Config c, String key, String why) {
        return new ConfigException.BadValue(c.origin(), key, why);
    }
}
