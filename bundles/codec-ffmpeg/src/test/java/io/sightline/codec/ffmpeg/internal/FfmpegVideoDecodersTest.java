package io.sightline.codec.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.rtp.h264.NalUnits;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFmpeg decoders against real bitstreams from this module's own encoders: one picture out per unit in (no
 * decoder delay), the encoded size and roughly the encoded content, a resolution change mid-stream, recovery after
 * corrupt input, a High-profile stream from the ffmpeg CLI's libx264 (as cameras send), and the decode cost per 720p
 * frame.
 */
class FfmpegVideoDecodersTest {
    @Test
    void h264PicturesComeOutAtOnceWithTheEncodedContentAndTimes() {
        List<RawVideoFrame> originals = pictures(320, 240, 0, 12);
        List<EncodedUnit> units = encode(new H264EncoderFactory(), Codec.H264, originals, 6);
        assertDecodesBack(new H264DecoderFactory(), CodecParameters.h264("42e01f"), originals, units);
    }

    @Test
    void vp8PicturesComeOutAtOnceWithTheEncodedContentAndTimes() {
        List<RawVideoFrame> originals = pictures(320, 240, 0, 12);
        List<EncodedUnit> units = encode(new Vp8EncoderFactory(), Codec.VP8, originals, 6);
        assertDecodesBack(new Vp8DecoderFactory(), CodecParameters.vp8(), originals, units);
    }

    @Test
    void aNewSpsWithAnotherResolutionChangesThePictureSize() {
        List<EncodedUnit> units = new ArrayList<>(encode(new H264EncoderFactory(), Codec.H264,
                pictures(320, 240, 0, 4), 100));
        units.addAll(encode(new H264EncoderFactory(), Codec.H264, pictures(640, 360, 4, 4), 100));
        List<String> sizes = new ArrayList<>();
        try (VideoDecoder decoder = new H264DecoderFactory().create(CodecParameters.h264("42e01f"))) {
            for (EncodedUnit unit : units) {
                decoder.decode(unit, p -> sizes.add(p.width() + "x" + p.height()));
            }
        }
        assertEquals(List.of("320x240", "320x240", "320x240", "320x240", "640x360", "640x360", "640x360", "640x360"),
                sizes);
    }

    @Test
    void aHighProfileX264StreamFromTheFfmpegCliDecodes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("high.h264");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc2=size=352x288:rate=30", "-frames:v", "20", "-c:v", "libx264", "-profile:v", "high",
                "-bf", "0", "-g", "10", "-x264-params", "aud=1", "-f", "h264", file.toString())
                .redirectErrorStream(true).start();
        String log = new String(ffmpeg.getInputStream().readAllBytes());
        assertEquals(0, ffmpeg.waitFor(), "ffmpeg CLI (Debian package ffmpeg): " + log);
        List<EncodedUnit> units = accessUnits(ByteBuffer.wrap(Files.readAllBytes(file)));
        assertEquals(20, units.size());
        assertEquals(2, units.stream().filter(EncodedUnit::keyframe).count());
        List<RawVideoFrame> out = new ArrayList<>();
        try (VideoDecoder decoder = new H264DecoderFactory().create(CodecParameters.h264("640016"))) {
            for (EncodedUnit unit : units) {
                assertEquals(1, decoder.decode(unit, out::add), "one picture per unit: " + unit);
            }
        }
        RawVideoFrame last = out.get(19);
        assertEquals(352, last.width());
        assertEquals(288, last.height());
        // testsrc2 paints saturated colour areas: the luma plane is far from uniform.
        int min = 255;
        int max = 0;
        for (int i = 0; i < last.width() * last.height(); i++) {
            min = Math.min(min, last.data()[i] & 0xff);
            max = Math.max(max, last.data()[i] & 0xff);
        }
        assertTrue(max - min > 150, "luma range " + min + ".." + max);
    }

    /** Splits an Annex B stream with AUDs into units, one per access unit, as a passthrough source would carry it. */
    private static List<EncodedUnit> accessUnits(ByteBuffer stream) {
        List<EncodedUnit> units = new ArrayList<>();
        List<ByteBuffer> parts = new ArrayList<>();
        int count = 0;
        for (ByteBuffer nal : NalUnits.splitAnnexB(stream)) { // delimiters kept: they mark the unit boundaries here
            if (NalUnits.type(nal) == NalUnits.AUD) {
                if (!parts.isEmpty()) {
                    units.add(unit(parts, count++));
                    parts.clear();
                }
            } else {
                parts.add(nal);
            }
        }
        if (!parts.isEmpty()) {
            units.add(unit(parts, count));
        }
        return units;
    }

    private static EncodedUnit unit(List<ByteBuffer> parts, int index) {
        boolean idr = parts.stream().anyMatch(p -> NalUnits.type(p) == NalUnits.IDR);
        return new EncodedUnit(0, Codec.H264, index * 33_333L, 1_700_000_000_000L + index * 33L, idr, parts);
    }

    @Test
    void mjpeg422FromTheFfmpegCliIsConvertedToI420(@TempDir Path dir) throws Exception {
        // What webcams send: full-range 4:2:2 JPEG pictures, which the decoder converts for the I420 consumers.
        Path jpeg = dir.resolve("gray.jpg");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                "color=c=0x808080:size=64x48", "-frames:v", "1", "-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-f",
                "mjpeg", jpeg.toString()).redirectErrorStream(true).start();
        String log = new String(ffmpeg.getInputStream().readAllBytes());
        assertEquals(0, ffmpeg.waitFor(), "ffmpeg CLI (Debian package ffmpeg): " + log);
        EncodedUnit unit = new EncodedUnit(0, Codec.MJPEG, 0, 0, true, List.of(ByteBuffer.wrap(Files.readAllBytes(jpeg))));
        List<RawVideoFrame> out = new ArrayList<>();
        try (VideoDecoder decoder = new MjpegDecoderFactory().create(CodecParameters.of(Codec.MJPEG, 1, java.util.Map.of()))) {
            assertEquals(1, decoder.decode(unit, out::add));
        }
        RawVideoFrame p = out.get(0);
        assertEquals(64, p.width());
        assertEquals(48, p.height());
        assertEquals(RawVideoFrame.i420Size(64, 48), p.data().length);
        // Full-range gray 128 maps to limited-range 126: 16 + 128 * 219 / 255; chroma stays neutral.
        assertEquals(126, p.data()[64 * 24 + 32] & 0xff, 2);
        assertEquals(128, p.data()[64 * 48 + 10] & 0xff, 2);
    }

    @Test
    void rawYuyvPixelsAreUnpackedToI420() {
        int w = 8;
        int h = 4;
        byte[] yuyv = new byte[w * h * 2];
        for (int i = 0; i < yuyv.length; i += 4) {
            yuyv[i] = 100; // Y0
            yuyv[i + 1] = 60; // U
            yuyv[i + 2] = 110; // Y1
            yuyv[i + 3] = (byte) 200; // V
        }
        EncodedUnit unit = new EncodedUnit(0, Codec.RAW, 0, 0, true, List.of(ByteBuffer.wrap(yuyv)));
        List<RawVideoFrame> out = new ArrayList<>();
        try (VideoDecoder decoder = new RawDecoderFactory().create(CodecParameters.raw(w, h, "yuyv422"))) {
            assertEquals(1, decoder.decode(unit, out::add));
        }
        byte[] i420 = out.get(0).data();
        assertEquals(100, i420[0] & 0xff);
        assertEquals(110, i420[1] & 0xff);
        assertEquals(60, i420[w * h] & 0xff, 1);
        assertEquals(200, i420[w * h + (w / 2) * (h / 2)] & 0xff, 1);
    }

    @Test
    void aRawTrackWithoutAKnownPixelFormatIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RawDecoderFactory().create(CodecParameters.raw(8, 4, "no-such-format")));
        assertThrows(IllegalArgumentException.class,
                () -> new MjpegDecoderFactory().create(CodecParameters.h264("42e01f")));
    }

    @Test
    void corruptInputIsReportedAndTheNextKeyframeDecodes() {
        List<RawVideoFrame> originals = pictures(160, 120, 0, 4);
        List<EncodedUnit> units = encode(new H264EncoderFactory(), Codec.H264, originals, 100);
        EncodedUnit garbage = new EncodedUnit(0, Codec.H264, 1, 1, false,
                List.of(ByteBuffer.wrap(new byte[] {0x41, (byte) 0xff, (byte) 0xff, 0x00, 0x12})));
        try (VideoDecoder decoder = new H264DecoderFactory().create(CodecParameters.h264("42e01f"))) {
            assertThrows(IllegalArgumentException.class, () -> decoder.decode(garbage, p -> { }),
                    "a delta slice without SPS/PPS is refused");
            List<RawVideoFrame> out = new ArrayList<>();
            decoder.decode(units.get(0), out::add);
            assertEquals(1, out.size(), "the keyframe decodes after the garbage");
            assertEquals(160, out.get(0).width());
            assertThrows(IllegalArgumentException.class,
                    () -> decoder.decode(new EncodedUnit(0, Codec.VP8, 0, 0, true, List.of(ByteBuffer.allocate(4))),
                            p -> { }));
        }
        VideoDecoder closed = new H264DecoderFactory().create(CodecParameters.h264("42e01f"));
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.decode(units.get(0), p -> { }));
        assertThrows(IllegalArgumentException.class, () -> new H264DecoderFactory().create(CodecParameters.vp8()));
    }

    @Test
    void decodeCostPer720pFrame() {
        int frames = 60;
        List<RawVideoFrame> originals = pictures(1280, 720, 0, frames);
        List<EncodedUnit> units = encode(new H264EncoderFactory(), Codec.H264, originals, 30);
        try (VideoDecoder decoder = new H264DecoderFactory().create(CodecParameters.h264("42e01f"))) {
            for (int i = 0; i < 10; i++) {
                decoder.decode(units.get(i), p -> { }); // warm-up
            }
            long cpuBefore = threadCpuNanos();
            long start = System.nanoTime();
            int pictures = 0;
            for (int round = 0; round < 2; round++) {
                for (EncodedUnit unit : units.subList(round == 0 ? 30 : 0, frames)) {
                    pictures += decoder.decode(unit, p -> { });
                }
            }
            double cpuMs = (threadCpuNanos() - cpuBefore) / 1e6 / pictures;
            double wallMs = (System.nanoTime() - start) / 1e6 / pictures;
            System.out.printf("MEASUREMENT H264 1280x720 decode (FFmpeg h264, slice threads, a one-slice stream: all on the calling thread): %.2f ms CPU, %.2f ms wall "
                    + "per frame over %d frames%n", cpuMs, wallMs, pictures);
            assertEquals(90, pictures);
        }
    }

    private static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void assertDecodesBack(VideoDecoderFactory factory, CodecParameters parameters,
            List<RawVideoFrame> originals, List<EncodedUnit> units) {
        assertEquals(originals.size(), units.size());
        try (VideoDecoder decoder = factory.create(parameters)) {
            for (int i = 0; i < units.size(); i++) {
                List<RawVideoFrame> out = new ArrayList<>();
                assertEquals(1, decoder.decode(units.get(i), out::add), "one picture for unit " + i);
                RawVideoFrame picture = out.get(0);
                RawVideoFrame original = originals.get(i);
                assertEquals(original.width(), picture.width());
                assertEquals(original.height(), picture.height());
                assertEquals(original.ptsMicros(), picture.ptsMicros());
                assertEquals(original.captureTimeMillis(), picture.captureTimeMillis());
                double diff = meanAbsoluteDifference(original.data(), picture.data());
                assertTrue(diff < 6, "picture " + i + " differs from its original by " + diff + " per byte");
                if (i > 0) {
                    double fromPrevious = meanAbsoluteDifference(originals.get(i - 1).data(), picture.data());
                    assertTrue(fromPrevious > diff, "picture " + i + " is this frame, not the one before");
                }
            }
        }
    }

    private static double meanAbsoluteDifference(byte[] a, byte[] b) {
        assertEquals(a.length, b.length);
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }

    private static List<RawVideoFrame> pictures(int width, int height, int first, int count) {
        List<RawVideoFrame> frames = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            frames.add(TestPictures.frame(width, height, i, 30));
        }
        return frames;
    }

    private static List<EncodedUnit> encode(VideoEncoderFactory factory, Codec codec, List<RawVideoFrame> frames,
            int keyframeEvery) {
        RawVideoFrame first = frames.get(0);
        List<EncodedUnit> units = new ArrayList<>();
        try (VideoEncoder encoder = factory.create(new EncoderSettings(codec, first.width(), first.height(), 30,
                first.width() >= 1280 ? 2500 : 1500, 300))) {
            for (int i = 0; i < frames.size(); i++) {
                EncodedUnit unit = encoder.encode(frames.get(i), i % keyframeEvery == 0, 0);
                if (unit != null) {
                    units.add(unit);
                }
            }
        }
        return units;
    }
}
