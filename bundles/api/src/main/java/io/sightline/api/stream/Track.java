package io.sightline.api.stream;

import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.MediaKind;
import java.util.Objects;

/**
 * One elementary track of a stream: its codec parameters and, for video, the picture size and frame rate read from
 * the bitstream.
 *
 * @param id         track identifier, unique within the stream and stable across source reconnects (by convention
 *                   0 for the video track, 1 for the audio track)
 * @param parameters codec and format parameters
 * @param width      picture width in pixels, 0 for audio or when not yet known
 * @param height     picture height in pixels, 0 for audio or when not yet known
 * @param fps        nominal frame rate, 0 for audio or when unknown
 */
public record Track(int id, CodecParameters parameters, int width, int height, double fps) {
    /** Conventional id of a stream's video track. */
    public static final int VIDEO = 0;
    /** Conventional id of a stream's audio track. */
    public static final int AUDIO = 1;

    /** Validates the components. */
    public Track {
        Objects.requireNonNull(parameters, "parameters");
    }

    /** A video track. */
    public static Track video(CodecParameters parameters, int width, int height, double fps) {
        return new Track(VIDEO, parameters, width, height, fps);
    }

    /** An audio track. */
    public static Track audio(CodecParameters parameters) {
        return new Track(AUDIO, parameters, 0, 0, 0);
    }

    /** Video or audio, from the codec. */
    public MediaKind kind() {
        return parameters.codec().kind();
    }
}
