package io.sightline.auth.jwt.internal;

import java.util.List;

/**
 * Matches stream names against the patterns of a token's {@code streams} claim, where {@code *} stands for any run of
 * characters (including none) and everything else matches literally.
 */
final class StreamPatterns {
    private StreamPatterns() {
    }

    /** Whether any pattern matches the stream name. */
    static boolean anyMatches(List<String> patterns, String streamName) {
        for (String pattern : patterns) {
            if (pattern != null && matches(pattern, streamName)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the pattern covers every stream name, as server-wide actions require. */
    static boolean coversAll(List<String> patterns) {
        return patterns.stream().anyMatch(p -> p != null && !p.isEmpty() && p.chars().allMatch(c -> c == '*'));
    }

    /** Glob match with {@code *} only; iterative with backtracking to the last star, so no regex and no recursion. */
    static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;
        int mark = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = n;
            } else if (p < pattern.length() && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (star >= 0) {
                p = star + 1;
                n = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
