package io.sightline.source.ffmpeg.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs, once per source run, how long after opening the input its first media went to the stream. */
final class FirstMediaLog {
    private static final Logger LOG = LoggerFactory.getLogger(FirstMediaLog.class);

    private final String streamName;
    private final String safeUrl;
    private final long openedNanos;
    private boolean logged;

    FirstMediaLog(String streamName, String safeUrl, long openedNanos) {
        this.streamName = streamName;
        this.safeUrl = safeUrl;
        this.openedNanos = openedNanos;
    }

    /** Called for every unit pushed; logs the first time only. */
    void pushed() {
        if (!logged) {
            logged = true;
            LOG.info("Stream '{}': first media {} ms after opening {}", streamName,
                    (System.nanoTime() - openedNanos) / 1_000_000, safeUrl);
        }
    }
}
