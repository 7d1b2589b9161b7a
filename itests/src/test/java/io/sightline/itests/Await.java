package io.sightline.itests;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; the server changes state asynchronously. */
final class Await {
    private static final long POLL_MILLIS = 100;

    private Await() {
    }

    /**
     * Samples {@code sample} until {@code done} accepts a value.
     *
     * @return the accepted value
     * @throws AssertionError naming {@code what} and the last value seen when the timeout passes
     */
    static <T> T until(String what, Duration timeout, Supplier<T> sample, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (true) {
            last = sample.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for " + what
                        + "; last seen: " + last);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }
}
