package io.sightline.api.stream;

/**
 * What one running rendition of a stream costs and serves.
 *
 * @param rendition      the rung and codec
 * @param subscribers    subscriptions to it (the SFU subscribes once per rendition and counts its viewers in
 *                       {@code viewers})
 * @param viewers        viewer sessions a transport serves from it
 * @param pictures       pictures encoded since it started
 * @param encodeCpuNanos CPU time its encoder thread spent encoding (and scaling) since it started
 * @param startedMillis  when it started, epoch milliseconds
 * @since 1.3.0
 */
public record RenditionStatus(Rendition rendition, int subscribers, int viewers, long pictures, long encodeCpuNanos,
        long startedMillis) {
}
