package dev.herald.common.mercure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Mercure selectors: exact strings, {@code *}, and RFC 6570 templates of every operator (the RFC's examples). */
class TopicSelectorsTest {
    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "https://example.com/books/{id}     | https://example.com/books/42                | true",
            "https://example.com/books/{id}     | https://example.com/books/42/reviews        | false",
            "https://example.com/books/{id}     | https://example.com/movies/42               | false",
            "https://example.com/books/{id}     | https://example.com/books/a%20b             | true",
            "https://example.com/{+path}        | https://example.com/a/b/c?d=e               | true",
            "https://example.com/{+path}/x      | https://example.com/a/b/y                   | false",
            "https://example.com/b{#frag}       | https://example.com/b#sec:1                 | true",
            "https://example.com/b{#frag}       | https://example.com/b                       | true",
            "https://example.com/f{.ext}        | https://example.com/f.json                  | true",
            "https://example.com{/seg*}         | https://example.com/a/b/c                   | true",
            "https://example.com/m{;x,y}        | https://example.com/m;x=1;y=2               | true",
            "https://example.com/s{?q,lang}     | https://example.com/s?q=a&lang=fr           | true",
            "https://example.com/s?q=a{&lang}   | https://example.com/s?q=a&lang=fr           | true",
            "https://example.com/s{?q}          | https://example.com/s#q=a                   | false",
            "https://example.com/{var:3}        | https://example.com/abc                     | true",
            "foo.{bar}                          | foo.baz                                     | true",
            "https://example.net/foo/{random}   | https://example.net/foo/will-not-match}     | false",
    })
    void uriTemplatesMatchWhatTheyCanExpandTo(String template, String uri, boolean matches) {
        assertThat(TopicSelectors.of(List.of(template)).matches(uri)).isEqualTo(matches);
    }

    @Test
    void exactStringsStarAndTemplatesCombine() {
        TopicSelectors selectors = TopicSelectors.of(List.of("urn:a", "https://e.com/{x}"));
        assertThat(selectors.matches("urn:a")).isTrue();
        assertThat(selectors.matches("urn:b")).isFalse();
        assertThat(selectors.matchesAny(List.of("urn:b", "https://e.com/1"))).isTrue();
        assertThat(selectors.matchesAll(List.of("urn:a", "urn:b"))).isFalse();
        assertThat(TopicSelectors.of(List.of("*")).matchesAll(List.of("anything", "https://x/{y}"))).isTrue();
        assertThat(TopicSelectors.NONE.matches("urn:a")).isFalse();
        assertThat(TopicSelectors.of(List.of("https://e.com/{x}")).matches("https://e.com/{x}")).as("a template is also its own exact string").isTrue();
    }

    @Test
    void aTemplateCannotMakeMatchingTakeLong() {
        TopicSelectors hostile = TopicSelectors.of(List.of("{a}{b}{c}{d}{e}{f}{g}{h}{i}{j}{k}{l}!"));
        String topic = "a".repeat(MercureUpdate.MAX_TOPIC_LENGTH);
        long start = System.nanoTime();
        assertThat(hostile.matches(topic)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a backtracking engine takes years here").isLessThan(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "https://e.com/{", "https://e.com/}", "https://e.com/{}", "https://e.com/{a b}", "https://e.com/{x:0}", "{x*y}"})
    void malformedSelectorsAreRefusedWithTheReason(String selector) {
        assertThatThrownBy(() -> TopicSelectors.of(List.of(selector))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("selector");
    }
}
