package io.sightline.sfu.internal;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.List;

/** H.264 access units shaped like an encoder's: SPS, PPS and a large IDR on keyframes, one slice otherwise. */
final class Units {
    static final Track VIDEO = Track.video(CodecParameters.h264("42c01f"), 1280, 720, 30);
    /** Microseconds per frame at 30 fps. */
    static final long FRAME_MICROS = 33_333;

    private Units() {
    }

    static EncodedUnit frame(int number, boolean keyframe, int sliceBytes) {
        long pts = number * FRAME_MICROS;
        if (keyframe) {
            return new EncodedUnit(Track.VIDEO, Codec.H264, pts, 1000 + number * 33L, true,
                    List.of(nal(0x67, 12, number), nal(0x68, 4, number), nal(0x65, sliceBytes, number)));
        }
        return new EncodedUnit(Track.VIDEO, Codec.H264, pts, 1000 + number * 33L, false,
                List.of(nal(0x41, sliceBytes, number)));
    }

    private static ByteBuffer nal(int header, int length, int seed) {
        byte[] b = new byte[length];
        b[0] = (byte) header;
        for (int i = 1; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return ByteBuffer.wrap(b);
    }
}
