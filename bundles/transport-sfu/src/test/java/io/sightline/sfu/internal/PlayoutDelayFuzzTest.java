package io.sightline.sfu.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of a stream's (and the SFU's) {@code playout.delay} value: refused with an
 * {@link IllegalArgumentException} or a delay that writes back to a value that parses to itself.
 */
class PlayoutDelayFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void value(byte[] data) {
        PlayoutDelay d;
        try {
            d = PlayoutDelay.parse(new String(data, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            return;
        }
        if (!PlayoutDelay.parse(d.key()).equals(d)) {
            throw new AssertionError("'" + d + "' does not parse back");
        }
    }
}
