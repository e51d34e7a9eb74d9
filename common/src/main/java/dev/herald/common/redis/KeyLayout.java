package dev.herald.common.redis;

import dev.herald.common.topic.Topic;

/**
 * Names of Herald's Redis keys. Every key of partition {@code p} carries the hash tag {@code {p<p>}}, so a
 * partition's feed and the histories of its topics live in one Redis Cluster slot and one script may
 * write them together.
 * <ul>
 *   <li>{@code <prefix>:{p<p>}:feed} — the partition feed that gateways tail (short retention)</li>
 *   <li>{@code <prefix>:{p<p>}:t:<topic>} — the topic history that resumes replay (per-topic retention)</li>
 *   <li>{@code <prefix>:{p<p>}:idem:<topic>/<key>} — the entry ID an idempotency key was first published under</li>
 *   <li>{@code <prefix>:{p<p>}:id:<id>} — the latest entry a publisher-supplied (Mercure) event ID names</li>
 *   <li>{@code <prefix>:replication-mark} — a counter the publisher's replica wait writes (standalone and Sentinel only)</li>
 *   <li>{@code <prefix>:presence} — the gateways that report streams (sorted set, scored by last report time)</li>
 *   <li>{@code <prefix>:presence:<gateway>} — one gateway's open streams per topic (hash, short TTL)</li>
 *   <li>{@code <prefix>:{mercure}:subscriptions} — the gateways that keep Mercure subscriptions (sorted set, scored
 *       by last renewal)</li>
 *   <li>{@code <prefix>:{mercure}:subscriptions:<gateway>} — one gateway's Mercure subscriptions (hash, no TTL: the
 *       gateway deletes it when it leaves, a survivor when it dies)</li>
 *   <li>{@code <prefix>:revocations} — the control stream of disconnect requests that every gateway tails</li>
 *   <li>{@code <prefix>:revoked-tokens} — revoked token IDs (sorted set, scored by when each stops mattering)</li>
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

    /**
     * The key remembering an idempotency key of {@code topic}. The separator {@code /} is outside the topic
     * alphabet, so the topic ends at the first {@code /} and no topic/key pair can name another pair's key
     * (with {@code :}, topic {@code a} and key {@code b:c} would collide with topic {@code a:b} and key {@code c}).
     */
    public String idempotency(int partition, Topic topic, String key) {
        return prefix + ":" + hashTag(partition) + ":idem:" + topic.name() + "/" + key;
    }

    /**
     * The entry a publisher-supplied event ID (a Mercure update's {@code id}) names in partition {@code partition}:
     * set by the publish script after each append with that ID, so a repeated ID names its latest event.
     */
    public String idIndex(int partition, String id) {
        return prefix + ":" + hashTag(partition) + ":id:" + id;
    }

    /** A counter written just before each {@code WAIT}, so that the connection waiting has a write of its own to wait for. */
    public String replicationMark() {
        return prefix + ":replication-mark";
    }

    /** The set of gateways that report their streams per topic. */
    public String presence() {
        return prefix + ":presence";
    }

    /** One gateway's streams per topic; expires unless the gateway keeps reporting. */
    public String presence(String gateway) {
        return prefix + ":presence:" + gateway;
    }

    /**
     * The gateways that keep Mercure subscriptions, scored by last renewal. Its hash tag puts it and every
     * gateway's hash ({@link #mercureSubscriptions(String)}) in one Redis Cluster slot, so one script can claim a
     * dead gateway's entry and take its hash in one atomic step.
     */
    public String mercureSubscriptions() {
        return prefix + ":{mercure}:subscriptions";
    }

    /** One gateway's Mercure subscriptions: subscription ID to its JSON-LD. */
    public String mercureSubscriptions(String gateway) {
        return mercureSubscriptions() + ":" + gateway;
    }

    /** The control stream of disconnect requests (by subject, topic or token ID) that every gateway tails. */
    public String revocations() {
        return prefix + ":revocations";
    }

    /** Revoked token IDs, each scored by the epoch millisecond its token stops being accepted anyway. */
    public String revokedTokens() {
        return prefix + ":revoked-tokens";
    }
}
