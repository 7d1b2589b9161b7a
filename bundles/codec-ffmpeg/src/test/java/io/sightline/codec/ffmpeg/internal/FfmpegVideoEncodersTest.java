package io.sightline.codec.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegVideoEncodersTest {
    private static final int FRAMES = 10;
    private static final int FORCED_KEYFRAME = 5;

    @Test
    void h264UnitsAreRtpReadyNalUnitsWithParameterSetsOnEveryKeyframe() {
        List<EncodedUnit> units;
        CodecParameters parameters;
        try (VideoEncoder encoder = new H264EncoderFactory().create(settings(Codec.H264, 320, 240))) {
            parameters = encoder.parameters();
            units = encode(encoder, 320, 240, FRAMES);
        }
        String profileLevelId = parameters.fmtp("profile-level-id");
        assertTrue(profileLevelId.startsWith("42"), "Baseline profile_idc: " + parameters);
        assertTrue((Integer.parseInt(profileLevelId.substring(2, 4), 16) & 0x40) != 0, "constraint_set1 (Constrained)");
        System.out.println("320x240@30 H.264 parameters: " + parameters);
        assertEquals(FRAMES, units.size(), "one unit per frame: no encoder delay, no dropped frame");
        for (int i = 0; i < FRAMES; i++) {
            EncodedUnit unit = units.get(i);
            List<Integer> types = nalTypes(unit);
            assertEquals(7, unit.trackId());
            assertFalse(types.contains(NalUnits.AUD), "AUD removed: " + types);
            unit.parts().forEach(part -> assertFalse(startsWithStartCode(part), "start code in " + unit));
            if (i == 0 || i == FORCED_KEYFRAME) {
                assertTrue(unit.keyframe(), "keyframe at " + i);
                assertEquals(List.of(7, 8, 5), types.subList(0, 3), "SPS, PPS, IDR at " + i);
            } else {
                assertFalse(unit.keyframe(), "delta frame at " + i);
                assertFalse(types.contains(NalUnits.IDR) || types.contains(NalUnits.SPS), "types " + types);
            }
        }
        assertEquals(parameters, CodecParameters.h264FromSps(bytes(units.get(0).parts().get(0))),
                "parameters() describe the SPS actually sent");
        assertEquals(Collections.nCopies(FRAMES, "320x240"), H264DecoderCheck.decode(units),
                "FFmpeg's h264 decoder decodes every unit at the encoded size");
    }

    @Test
    void vp8UnitsAreWholeFramesWithForcedKeyframe() {
        List<EncodedUnit> units;
        try (VideoEncoder encoder = new Vp8EncoderFactory().create(settings(Codec.VP8, 320, 240))) {
            assertEquals(CodecParameters.vp8(), encoder.parameters());
            units = encode(encoder, 320, 240, FRAMES);
        }
        assertEquals(FRAMES, units.size(), "one unit per frame: no lag, no dropped frame");
        for (int i = 0; i < FRAMES; i++) {
            EncodedUnit unit = units.get(i);
            assertEquals(1, unit.parts().size());
            ByteBuffer frame = unit.parts().get(0);
            // RFC 6386 section 9.1: bit 0 of the frame tag is 0 for a key frame, which carries start code 9d 01 2a.
            boolean keyBit = (frame.get(0) & 1) == 0;
            boolean expectedKey = i == 0 || i == FORCED_KEYFRAME;
            assertEquals(expectedKey, unit.keyframe(), "keyframe flag at " + i);
            assertEquals(expectedKey, keyBit, "frame tag key bit at " + i);
            if (expectedKey) {
                assertEquals(0x9d, frame.get(3) & 0xff);
                assertEquals(0x01, frame.get(4) & 0xff);
                assertEquals(0x2a, frame.get(5) & 0xff);
                assertEquals(320, (frame.get(6) & 0xff | (frame.get(7) & 0xff) << 8) & 0x3fff, "coded width");
            }
        }
    }

    @Test
    void encoderRejectsFramesOfAnotherSizeAndCloseIsIdempotent() {
        VideoEncoder encoder = new Vp8EncoderFactory().create(settings(Codec.VP8, 320, 240));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(TestPictures.frame(640, 480, 0, 30), false, 1));
        encoder.close();
        encoder.close();
        assertThrows(IllegalStateException.class, () -> encoder.encode(TestPictures.frame(320, 240, 0, 30), false, 1));
        assertThrows(IllegalArgumentException.class, () -> new H264EncoderFactory().create(settings(Codec.VP8, 320, 240)));
    }

    /** Measurement, not a pass/fail check: the mean encode time per 720p frame that docs/performance.md quotes. */
    @Test
    void measureEncodeTimePer720pFrame() {
        for (Codec codec : List.of(Codec.H264, Codec.VP8)) {
            EncoderSettings settings = new EncoderSettings(codec, 1280, 720, 30, 2500, 300);
            try (VideoEncoder encoder = codec == Codec.H264 ? new H264EncoderFactory().create(settings)
                    : new Vp8EncoderFactory().create(settings)) {
                int warmup = 5;
                int measured = 60;
                List<EncodedUnit> units = new ArrayList<>();
                List<io.sightline.api.media.RawVideoFrame> pictures = new ArrayList<>();
                for (int i = 0; i < warmup + measured; i++) {
                    pictures.add(TestPictures.frame(1280, 720, i, 30));
                }
                long start = 0;
                for (int i = 0; i < pictures.size(); i++) {
                    if (i == warmup) {
                        start = System.nanoTime();
                    }
                    units.add(encoder.encode(pictures.get(i), false, 1));
                }
                double meanMs = (System.nanoTime() - start) / 1e6 / measured;
                long bytes = units.stream().skip(warmup).mapToLong(EncodedUnit::size).sum();
                System.out.printf("MEASUREMENT %s 1280x720 encode: %.2f ms/frame mean over %d frames (%s, %d kbit/s out)%n",
                        codec, meanMs, measured, encoder.parameters(), bytes * 8 * 30 / measured / 1000);
                assertFalse(units.contains(null));
                if (codec == Codec.H264) {
                    String plid = encoder.parameters().fmtp("profile-level-id");
                    assertTrue(Integer.parseInt(plid.substring(4), 16) >= 31, "720p30 needs level 3.1+: " + plid);
                }
            }
        }
    }

    private static EncoderSettings settings(Codec codec, int width, int height) {
        return new EncoderSettings(codec, width, height, 30, 500, 60);
    }

    private static List<EncodedUnit> encode(VideoEncoder encoder, int width, int height, int count) {
        List<EncodedUnit> units = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EncodedUnit unit = encoder.encode(TestPictures.frame(width, height, i, 30), i == FORCED_KEYFRAME, 7);
            assertNotNull(unit, "frame " + i + " produced no unit");
            units.add(unit);
        }
        return units;
    }

    private static List<Integer> nalTypes(EncodedUnit unit) {
        List<Integer> types = new ArrayList<>();
        unit.parts().forEach(part -> types.add(NalUnits.type(part)));
        return types;
    }

    private static boolean startsWithStartCode(ByteBuffer nal) {
        return nal.remaining() >= 3 && nal.get(0) == 0 && nal.get(1) == 0
                && (nal.get(2) == 1 || nal.get(2) == 0);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
