package dev.herald.common.topic;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Maps a topic to one of {@code count} partitions with CRC-32 of its UTF-8 name. CRC-32 is specified
 * independently of Java, so any client can compute the same mapping. The count is fixed for the life of a
 * deployment: changing it moves topics to other partitions and invalidates every client's cursor.
 */
public final class Partitioner {
    private final int count;

    public Partitioner(int count) {
        if (count < 1 || count > 1024) {
            throw new IllegalArgumentException("partition count must be between 1 and 1024, was " + count);
        }
        this.count = count;
    }

    public int count() {
        return count;
    }

    public int partitionOf(Topic topic) {
        CRC32 crc = new CRC32();
        crc.update(topic.name().getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }
}
