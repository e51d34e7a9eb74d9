package dev.herald.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.common.topic.Topic;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicPatternTest {

    @ParameterizedTest(name = "{0} matches {1}")
    @CsvSource({"*, orders", "*, a", "orders, orders", "news.*, news.eu", "news.*, news.eu.fr", "news.*, news.",
            "*.eu, news.eu", "a*b*c, abc", "a*b*c, a-x-b-y-c", "*-*, a-b", "**, x", "a*, a", "*a*a, aaa", "*:*, t:1"})
    void aPatternMatchesTheTopicsItsGlobDescribes(String glob, String topic) {
        assertThat(TopicPattern.of(glob).matches(Topic.of(topic))).isTrue();
    }

    @ParameterizedTest(name = "{0} does not match {1}")
    @CsvSource({"orders, Orders", "orders, orders2", "orders, order", "news.*, news", "news.*, newsroom", "*.eu, news.eu2",
            "a*b*c, acb", "a*b*c, ab", "*-*, ab", "*a*a, a", "news.*, xnews.eu"})
    void aPatternDoesNotMatchOtherTopics(String glob, String topic) {
        assertThat(TopicPattern.of(glob).matches(Topic.of(topic))).isFalse();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "news/*", "news.?", "a b", "ł*", "news.[ab]"})
    void aGlobWithCharactersOutsideTheTopicAlphabetAndStarIsRefused(String glob) {
        assertThat(TopicPattern.problemWith(glob)).isNotNull();
        assertThatThrownBy(() -> TopicPattern.of(glob)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGlobLongerThanATopicIsRefused() {
        assertThatThrownBy(() -> TopicPattern.of("*".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThat(TopicPattern.of("*".repeat(200)).matches("t".repeat(200))).isTrue();
    }

    @Test
    void aListMatchesWhatAnyOfItsPatternsMatches() {
        TopicPatterns patterns = TopicPatterns.of(List.of("news.*", "orders"));

        assertThat(patterns.matches(Topic.of("news.eu"))).isTrue();
        assertThat(patterns.matches(Topic.of("orders"))).isTrue();
        assertThat(patterns.matches(Topic.of("prices"))).isFalse();
        assertThat(TopicPatterns.NONE.matches(Topic.of("orders"))).isFalse();
        assertThat(TopicPatterns.ALL.matches(Topic.of("orders"))).isTrue();
    }

    @Test
    void theWorstCaseBacktrackingStaysFast() {
        TopicPattern pattern = TopicPattern.of("*a".repeat(100));
        String topic = "a".repeat(199) + "b";

        long start = System.nanoTime();
        assertThat(pattern.matches(topic)).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(100_000_000L);
    }
}
