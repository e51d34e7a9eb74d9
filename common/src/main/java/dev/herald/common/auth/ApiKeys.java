package dev.herald.common.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Static API keys, for services and scripts that cannot mint tokens. Only the SHA-256 of each key is
 * configured, so a leaked configuration does not leak the keys (they are long random strings, so a fast
 * hash is enough: there is nothing to guess). A presented key is hashed and compared with every
 * configured hash in constant time, and all of them are compared whatever matched, so the answer time
 * says nothing about which hash came close.
 */
public final class ApiKeys {
    /** Longest key accepted; bounds the hashing work a hostile request can cause. */
    public static final int MAX_KEY_LENGTH = 1024;
    /** No keys: every key is refused. */
    public static final ApiKeys NONE = new ApiKeys(List.of());

    /**
     * One configured key.
     *
     * @param sha256 the SHA-256 of the key's UTF-8 bytes (32 bytes)
     * @param grant  what the key allows; its subject is the key's name
     */
    public record Entry(byte[] sha256, Grant grant) {
        public Entry {
            if (sha256.length != 32) {
                throw new IllegalArgumentException("a SHA-256 is 32 bytes, was " + sha256.length);
            }
            sha256 = sha256.clone();
        }
    }

    private final List<Entry> entries;

    public ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads the optional list {@code herald.auth.api-keys}, each item
     * {@code { key-sha256 = "<64 hex digits>", name = "ci", publish = ["orders.*"], subscribe = [] }}
     * ({@code name} optional, defaulting to {@code api-key-<n>}; an absent pattern list grants nothing).
     * Throws {@link ConfigException} naming the bad item.
     */
    public static ApiKeys from(Config c) {
        String key = "herald.auth.api-keys";
        if (!c.hasPath(key)) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        List<? extends Config> items = c.getConfigList(key);
        for (int i = 0; i < items.size(); i++) {
            Config item = items.get(i);
            String where = key + "[" + i + "]";
            String hex = item.hasPath("key-sha256") ? item.getString("key-sha256").strip() : "";
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new ConfigException.BadValue(c.origin(), where + ".key-sha256",
                        "must be the SHA-256 of the key as 64 hex digits (printf %s \"$KEY\" | sha256sum)");
            }
            String name = item.hasPath("name") ? item.getString("name") : "api-key-" + (i + 1);
            try {
                Grant grant = new Grant(name, null, null, patterns(item, "publish"), patterns(item, "subscribe"));
                entries.add(new Entry(HexFormat.of().parseHex(hex), grant));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(c.origin(), where, e.getMessage());
            }
        }
        return new ApiKeys(entries);
    }

    private static TopicPatterns patterns(Config item, String path) {
        return item.hasPath(path) ? TopicPatterns.of(item.getStringList(path)) : TopicPatterns.NONE;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The grant of {@code key}; throws {@link AuthException} ({@code api_key_invalid}) if no entry matches. */
    public Grant verify(String key) {
        if (key == null || key.isBlank()) {
            throw new AuthException(AuthFailure.TOKEN_MISSING, "no API key was sent");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new AuthException(AuthFailure.API_KEY_INVALID, "API key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        byte[] hash = sha256(key);
        Grant found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(hash, entry.sha256()) && found == null) {
                found = entry.grant();
            }
        }
        if (found == null) {
            throw new AuthException(AuthFailure.API_KEY_INVALID, "API key is not accepted");
        }
        return found;
    }

    /** The SHA-256 of {@code key}'s UTF-8 bytes as 64 lower-case hex digits: what to configure as {@code key-sha256}. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
