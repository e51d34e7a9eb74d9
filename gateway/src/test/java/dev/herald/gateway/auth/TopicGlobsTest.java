package dev.herald.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicGlobsTest {
    @Test
    void aStarMatchesAnyRunOfCharactersIncludingNoneAndDots() {
        assertThat(TopicGlobs.matches("news.*", "news.sport")).isTrue();
        assertThat(TopicGlobs.matches("news.*", "news.sport.football")).isTrue();
        assertThat(TopicGlobs.matches("news.*", "news.")).isTrue();
        assertThat(TopicGlobs.matches("*", "anything")).isTrue();
        assertThat(TopicGlobs.matches("*.prices", "eu.fx.prices")).isTrue();
        assertThat(TopicGlobs.matches("a*b*c", "aXXbYYbZc")).isTrue();
        assertThat(TopicGlobs.matches("**", "x")).isTrue();
    }

    @Test
    void everythingElseMatchesOnlyItselfAndTheWholeTopic() {
        assertThat(TopicGlobs.matches("news.*", "news")).isFalse();
        assertThat(TopicGlobs.matches("news.*", "newsXsport")).isFalse();
        assertThat(TopicGlobs.matches("news.*", "xnews.sport")).isFalse();
        assertThat(TopicGlobs.matches("news", "news.sport")).isFalse();
        assertThat(TopicGlobs.matches("News.*", "news.sport")).isFalse();
        assertThat(TopicGlobs.matches("a*b*c", "aXXbYYbZ")).isFalse();
    }

    @Test
    void aSetOfPatternsMatchesWhenAnyDoesAndAnEmptySetMatchesNothing() {
        TopicGlobs globs = TopicGlobs.of(List.of("news.*", "prices"));
        assertThat(globs.matches("prices")).isTrue();
        assertThat(globs.matches("news.eu")).isTrue();
        assertThat(globs.matches("weather")).isFalse();
        assertThat(TopicGlobs.of(List.of()).matches("anything")).isFalse();
    }

    @Test
    void patternsMayUseTheTopicAlphabetAndStarOnly() {
        assertThat(TopicGlobs.problemWith("news.*")).isNull();
        assertThat(TopicGlobs.problemWith("*")).isNull();
        assertThat(TopicGlobs.problemWith("a_b-c:d~e.*")).isNull();
        assertThat(TopicGlobs.problemWith("")).isNotNull();
        assertThat(TopicGlobs.problemWith("news/*")).isNotNull();
        assertThat(TopicGlobs.problemWith("news.?")).isNotNull();
        assertThat(TopicGlobs.problemWith("x".repeat(201))).isNotNull();
    }
}
