package io.sightline.api.stream;

/**
 * Input-side measurements of a stream, for health and metrics.
 *
 * @param inputBitrateBps      encoded input bitrate over the last few seconds, bits per second
 * @param framesPerSecond      video frames per second over the last few seconds
 * @param keyframeIntervalMs   time between the last two video keyframes, milliseconds (0 if unknown)
 * @param reconnects           how often the source was reopened after a failure since the stream was defined
 * @param unitsIn              encoded units received from the source since the stream was defined
 * @param lastUnitMillis       wall-clock time of the last unit received, epoch milliseconds (0 if none)
 * @param ingestDelayP50Micros median time from a unit's arrival on the ingest socket to its hand-off to the stream,
 *                             microseconds, over the last units of the window; -1 when the source does not report
 *                             arrival times ({@link io.sightline.api.media.EncodedUnit#arrivalNanos()})
 * @param ingestDelayP95Micros the same, 95th percentile
 */
public record StreamStats(long inputBitrateBps, double framesPerSecond, long keyframeIntervalMs, long reconnects,
        long unitsIn, long lastUnitMillis, long ingestDelayP50Micros, long ingestDelayP95Micros) {
    /** Stats of a stream that has received nothing. */
    public static final StreamStats EMPTY = new StreamStats(0, 0, 0, 0, 0, 0);

    /** Stats without ingest delay figures (the source does not report socket arrival times). */
    public StreamStats(long inputBitrateBps, double framesPerSecond, long keyframeIntervalMs, long reconnects,
            long unitsIn, long lastUnitMillis) {
        this(inputBitrateBps, framesPerSecond, keyframeIntervalMs, reconnects, unitsIn, lastUnitMillis, -1, -1);
    }
}
