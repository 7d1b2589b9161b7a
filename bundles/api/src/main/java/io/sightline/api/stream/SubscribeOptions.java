package io.sightline.api.stream;

/**
 * How a subscription wants its media.
 *
 * @param queueCapacity  the most units held for this subscriber before it starts losing them
 * @param encoded        deliver encoded units ({@link MediaSubscriber#onMedia})
 * @param rawVideo       deliver raw pictures ({@link MediaSubscriber#onRawVideo}) when the source produces them
 * @param startWithGop   begin with the cached units of the current group of pictures (from the last keyframe), so
 *                       the subscriber can decode at once instead of waiting for the next keyframe
 */
public record SubscribeOptions(int queueCapacity, boolean encoded, boolean rawVideo, boolean startWithGop) {
    /** Encoded media, a queue of 256 units, starting at the current GOP. */
    public static final SubscribeOptions ENCODED = new SubscribeOptions(256, true, false, true);
    /** Raw pictures only, a short queue (stale pictures are worthless). */
    public static final SubscribeOptions RAW = new SubscribeOptions(4, false, true, false);

    /** Validates the components. */
    public SubscribeOptions {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive");
        }
    }
}
