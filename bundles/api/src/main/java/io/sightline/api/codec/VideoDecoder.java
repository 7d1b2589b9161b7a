package io.sightline.api.codec;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One decoder instance for one stream's video track, tuned for latency: a picture comes out as soon as its unit went
 * in (no frame-threading delay). Used from one thread at a time.
 *
 * <p>Feed units in stream order starting at a keyframe; after a gap (units lost or skipped), resume at a keyframe.
 * Parameter changes carried in band (a new H.264 SPS with another resolution) are followed: the pictures simply
 * change size. Pictures are packed I420 in fresh buffers, since subscribers share them and may hold them; the
 * decoder reuses everything else between calls.
 *
 * @since 1.1.0
 */
@ConsumerType
public interface VideoDecoder extends AutoCloseable {
    /**
     * Decodes one unit and hands every picture it completes to {@code output}, on the calling thread, before
     * returning. Pictures carry the presentation and capture times of the unit they came from.
     *
     * @param unit   the next encoded unit of the track, in the codec this decoder was created for
     * @param output receives the decoded pictures (usually one; none while the decoder waits for a keyframe or
     *               for a reordered picture)
     * @return the number of pictures handed to {@code output}
     * @throws IllegalStateException when the decoder is closed
     * @throws IllegalArgumentException when the unit cannot be decoded (corrupt data); the decoder stays usable, and
     *                                  the caller should resume at the next keyframe
     */
    int decode(EncodedUnit unit, Consumer<RawVideoFrame> output);

    /** Frees the decoder's native resources; idempotent. */
    @Override
    void close();
}
