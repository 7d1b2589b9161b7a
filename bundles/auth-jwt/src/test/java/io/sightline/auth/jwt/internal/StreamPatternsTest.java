package io.sightline.auth.jwt.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamPatternsTest {
    @Test
    void literalPatternsMatchExactly() {
        assertTrue(StreamPatterns.matches("cam1", "cam1"));
        assertFalse(StreamPatterns.matches("cam1", "cam10"));
        assertFalse(StreamPatterns.matches("cam1", "cam"));
        assertFalse(StreamPatterns.matches("cam.", "cam1"));
    }

    @Test
    void starMatchesAnyRunIncludingNone() {
        assertTrue(StreamPatterns.matches("*", ""));
        assertTrue(StreamPatterns.matches("*", "anything"));
        assertTrue(StreamPatterns.matches("cam-*", "cam-"));
        assertTrue(StreamPatterns.matches("*-hd", "lobby-hd"));
        assertTrue(StreamPatterns.matches("a*b*c", "aXXbYYbc"));
        assertFalse(StreamPatterns.matches("a*b*c", "aXXbYYb"));
        assertTrue(StreamPatterns.matches("**", "x"));
    }

    @Test
    void onlyStarPatternsCoverAll() {
        assertTrue(StreamPatterns.coversAll(List.of("cam1", "*")));
        assertFalse(StreamPatterns.coversAll(List.of("cam*")));
        assertFalse(StreamPatterns.coversAll(List.of("")));
    }
}
