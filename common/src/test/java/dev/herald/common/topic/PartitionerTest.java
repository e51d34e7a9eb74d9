package dev.herald.common.topic;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionerTest {

    /** Values computed outside Java (Python's zlib.crc32), pinning the mapping every client must reproduce. */
    @ParameterizedTest
    @CsvSource({
            "news,        16,   0",
            "sports,      16,   12",
            "a,           16,   3",
            "weather.eu,  16,   7",
            "chat:room-1, 16,   5",
            "orders,      16,   14",
            "news,        7,    2",
            "sports,      7,    1",
            "orders,      1024, 494",
            "a,           1024, 579",
    })
    void mapsKnownTopicsToTheirPublishedPartitions(String topic, int count, int partition) {
        assertThat(new Partitioner(count).partitionOf(Topic.of(topic))).isEqualTo(partition);
    }

    @Test
    void agreesWithCrc32OfTheUtf8NameModuloTheCount() {
        Random random = new Random(99);
        for (int count : new int[] {1, 2, 3, 16, 100, 1024}) {
            Partitioner partitioner = new Partitioner(count);
            for (int i = 0; i < 200; i++) {
                Topic topic = randomTopic(random);
                CRC32 crc = new CRC32();
                crc.update(topic.name().getBytes(UTF_8));

                assertThat(partitioner.partitionOf(topic)).isEqualTo((int) (crc.getValue() % count));
            }
        }
    }

    @Test
    void usesTheUnsignedChecksumSoNamesWithTheHighBitSetStayInRange() {
        CRC32 crc = new CRC32();
        crc.update("a".getBytes(UTF_8));

        assertThat(crc.getValue()).as("CRC-32 of 'a' exceeds Integer.MAX_VALUE").isEqualTo(3904355907L);
        assertThat(new Partitioner(16).partitionOf(Topic.of("a"))).isEqualTo(3);
        assertThat(new Partitioner(1000).partitionOf(Topic.of("a"))).isEqualTo(907);
    }

    @Test
    void isStableAcrossInstances() {
        Topic topic = Topic.of("billing:invoices");

        assertThat(new Partitioner(16).partitionOf(topic)).isEqualTo(new Partitioner(16).partitionOf(topic));
    }

    @Test
    void spreadsRandomTopicsEvenlyOverSixteenPartitions() {
        Partitioner partitioner = new Partitioner(16);
        Random random = new Random(12345);
        int[] counts = new int[16];
        int topics = 10_000;
        for (int i = 0; i < topics; i++) {
            counts[partitioner.partitionOf(randomTopic(random))]++;
        }

        double mean = topics / 16.0;
        for (int p = 0; p < 16; p++) {
            assertThat((double) counts[p]).as("topics in partition %d", p).isBetween(mean * 0.75, mean * 1.25);
        }
    }

    @Test
    void spreadsSequentiallyNamedTopicsEvenlyToo() {
        Partitioner partitioner = new Partitioner(16);
        int[] counts = new int[16];
        for (int i = 0; i < 10_000; i++) {
            counts[partitioner.partitionOf(Topic.of("user-" + i))]++;
        }

        for (int p = 0; p < 16; p++) {
            assertThat((double) counts[p]).as("topics in partition %d", p).isBetween(625 * 0.75, 625 * 1.25);
        }
    }

    @Test
    void mapsEverythingToPartitionZeroWithOnePartition() {
        Partitioner partitioner = new Partitioner(1);
        Random random = new Random(5);
        for (int i = 0; i < 100; i++) {
            assertThat(partitioner.partitionOf(randomTopic(random))).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 16, 1024})
    void acceptsCountsFromOneTo1024(int count) {
        assertThat(new Partitioner(count).count()).isEqualTo(count);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1025, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void rejectsOtherCounts(int count) {
        assertThatThrownBy(() -> new Partitioner(count))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partition count must be between 1 and 1024, was " + count);
    }

    private static Topic randomTopic(Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:~";
        StringBuilder name = new StringBuilder().append(alphabet.charAt(random.nextInt(62)));
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return Topic.of(name.toString());
    }
}
