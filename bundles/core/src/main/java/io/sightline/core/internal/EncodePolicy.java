package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.Track;

/**
 * When a picture-making source's pictures are encoded: only while a subscriber wants encoded media (a stream
 * watched only by P2P viewers, which take pictures, spends no encoder), and after such a pause the encoder restarts
 * with a keyframe and an emptied GOP cache, whose units are stale by then. One per source run, on the source's
 * thread.
 */
final class EncodePolicy {
    /** Where the policy's results go. */
    interface Output {
        /** A picture was not encoded: it still counts for the input frame rate. */
        void skipped();

        /** The encoder (re)opened with these parameters. */
        void track(Track track);

        void unit(EncodedUnit unit);
    }

    private final PictureEncoder encoder;
    private final MediaFanout fanout;
    private final KeyframeRequests keyframes;
    private final Output output;
    private boolean paused;

    /** @param encoder null when no encoder plugin for the stream's codec is installed */
    EncodePolicy(PictureEncoder encoder, MediaFanout fanout, KeyframeRequests keyframes, Output output) {
        this.encoder = encoder;
        this.fanout = fanout;
        this.keyframes = keyframes;
        this.output = output;
    }

    boolean hasEncoder() {
        return encoder != null;
    }

    void picture(RawVideoFrame frame) {
        if (encoder == null || !fanout.wantsEncoded()) {
            output.skipped();
            paused = true;
            return;
        }
        if (paused) {
            paused = false;
            keyframes.want();
            fanout.clearGop();
        }
        EncodedUnit unit = encoder.encode(frame, keyframes.wanted(), output::track);
        if (unit != null) {
            output.unit(unit);
        }
    }

    /** May come from the supervisor thread while the source thread encodes: PictureEncoder serialises the two. */
    void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
