package dev.herald.common.redis;

import dev.herald.common.topic.Topic;

/**
 * Names of Herald's Redis keys. Every key of partition {@code p} carries the hash tag {@code {p<p>}}, so a
 * partition's feed and the histories of its topics live in one Redis Cluster slot and one script may
 * write them together.
 * <ul>
 *   <li>{@code <prefix>:{p<p>}:feed} — the partition feed that gateways tail (short retention)</li>
 *   <li>{@code <prefix>:{p<p>}:t:<topic>} — the topic history that resumes replay (per-topic retention)</li>
 * </ul>
 */
public record KeyLayout(String prefix) {
    public KeyLayout {
        if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
            throw new IllegalArgumentException("key prefix must be non-empty and contain no braces");
        }
    }

    public String hashTag(int partition) {
        return "{p" + partition + "}";
    }

    public String feed(int partition) {
        return prefix + ":" + hashTag(partition) + ":feed";
    }

    public String history(int partition, Topic topic) {
        return prefix + ":" + hashTag(partition) + ":t:" + topic.name();
    }
}
