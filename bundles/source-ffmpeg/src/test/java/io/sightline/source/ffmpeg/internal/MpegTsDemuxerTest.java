package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MPEG-TS demuxer on real captures, made at test time by FFmpeg's muxer and by GStreamer's {@code mpegtsmux} (the
 * two a camera or encoder most likely runs): the video it hands out is byte for byte what FFmpeg's demuxer extracts,
 * and each picture comes out with the TS packet that holds its last bytes, not with the next picture's first.
 */
class MpegTsDemuxerTest {
    @TempDir
    Path dir;

    @Test
    void ffmpegMuxedVideoEndsAtItsLastPacketAndMatchesFfmpegsDemuxer() throws Exception {
        Path ts = dir.resolve("ffmpeg.ts");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "3", "-c:v", "libx264", "-profile:v", "baseline",
                "-bf", "0", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "mpegts", ts.toString());
        Capture c = demuxPacketByPacket(Files.readAllBytes(ts));
        assertEquals(MpegTsDemuxer.STREAM_H264, c.videoType);
        assertEquals(MpegTsDemuxer.STREAM_AAC_ADTS, c.audioType);
        assertTrue(c.videoUnits.stream().allMatch(u -> u.end != MpegTsDemuxer.End.LENGTH), "FFmpeg: no video length");
        assertEquals(90, c.videoUnits.size(), "one PES per picture");
        assertArrayEquals(ffmpegVideo(ts), c.video.toByteArray(), "the same bytes as FFmpeg's demuxer");
        assertPicturesEndWithTheirLastPacket(c);
        assertTrue(c.audioUnits.size() >= 5, "audio PES (FFmpeg puts several AAC frames in one): "
                + c.audioUnits.size());
        for (Unit u : c.audioUnits) {
            assertEquals(MpegTsDemuxer.End.LENGTH, u.end, "audio PES carry their length");
        }
    }

    @Test
    void gstreamerMuxedVideoEndsAtItsLastPacket() throws Exception {
        Path ts = dir.resolve("gst.ts");
        gstreamer("videotestsrc num-buffers=90 pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1"
                + " ! x264enc tune=zerolatency speed-preset=ultrafast bframes=0 key-int-max=30 ! h264parse"
                + " ! mpegtsmux ! filesink location=" + ts);
        Capture c = demuxPacketByPacket(Files.readAllBytes(ts));
        assertEquals(MpegTsDemuxer.STREAM_H264, c.videoType);
        assertEquals(-1, c.audioType);
        assertEquals(90, c.videoUnits.size());
        assertArrayEquals(ffmpegVideo(ts), c.video.toByteArray());
        assertPicturesEndWithTheirLastPacket(c);
    }

    @Test
    void anySplitOfTheBytesGivesTheSameUnits() throws Exception {
        Path ts = dir.resolve("split.ts");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "1", "-c:v", "libx264",
                "-bf", "0", "-f", "mpegts", ts.toString());
        byte[] bytes = Files.readAllBytes(ts);
        Capture whole = demuxPacketByPacket(bytes);
        Random random = new Random(12);
        Capture pieces = new Capture();
        MpegTsDemuxer d = new MpegTsDemuxer(pieces);
        for (int p = 0; p < bytes.length; ) {
            int n = Math.min(bytes.length - p, 1 + random.nextInt(1400)); // as a protocol hands them over
            d.feed(bytes, p, n, p);
            p += n;
        }
        assertArrayEquals(whole.video.toByteArray(), pieces.video.toByteArray());
        assertEquals(whole.videoUnits.size(), pieces.videoUnits.size());
    }

    @Test
    void aLostPacketDropsThatPictureOnlyAndGarbageIsSkipped() throws Exception {
        Path ts = dir.resolve("loss.ts");
        Producer.ffmpegNow("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "1", "-c:v", "libx264",
                "-bf", "0", "-f", "mpegts", ts.toString());
        byte[] bytes = Files.readAllBytes(ts);
        Capture whole = demuxPacketByPacket(bytes);
        // Remove one TS packet from the middle of a picture (a continuity-counter gap) and put garbage elsewhere.
        int victim = -1;
        for (int k = 1; victim < 0; k++) {
            Unit u = whole.videoUnits.get(k);
            if (u.lastPacket - u.firstPacket >= 2 && isVideoPacket(bytes, u.firstPacket + 1, whole)) {
                victim = u.firstPacket + 1;
            }
        }
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        for (int i = 0; i * 188 < bytes.length; i++) {
            if (i == victim) {
                continue;
            }
            if (i == 40) {
                damaged.write(new byte[] {0x12, 0x47, 0x00, 0x33, 0x47}, 0, 5);
            }
            damaged.write(bytes, i * 188, 188);
        }
        Capture c = new Capture();
        MpegTsDemuxer d = new MpegTsDemuxer(c);
        byte[] b = damaged.toByteArray();
        d.feed(b, 0, b.length, 0);
        assertEquals(whole.videoUnits.size() - 1, c.videoUnits.size(), "only the damaged picture is dropped");
        assertEquals(1, d.damagedUnits());
        assertTrue(d.syncLosses() >= 1);
    }

    private static void assertPicturesEndWithTheirLastPacket(Capture c) {
        int early = 0;
        for (int i = 0; i < c.videoUnits.size(); i++) {
            Unit u = c.videoUnits.get(i);
            if (u.end != MpegTsDemuxer.End.NEXT_START) {
                early++;
                // Handed out while the packet with its last bytes was fed, before the next picture's first packet.
                assertEquals(u.lastPacket, u.emittedAt, "unit " + i);
                if (i + 1 < c.videoUnits.size()) {
                    assertTrue(u.emittedAt < c.videoUnits.get(i + 1).firstPacket);
                }
            }
        }
        // FFmpeg writes video PES without a length (they end by stuffing), mpegtsmux with one while it fits in 16
        // bits. A picture of unknown length whose last TS packet is exactly full (no stuffing) waits for the next:
        // rare, about 1 in 184.
        assertTrue(early >= c.videoUnits.size() - 3, "ended at their last packet: " + early + " of "
                + c.videoUnits.size());
    }

    /** Feeds one TS packet at a time, its index as the arrival time. */
    private static Capture demuxPacketByPacket(byte[] bytes) {
        Capture c = new Capture();
        MpegTsDemuxer d = new MpegTsDemuxer(c);
        for (int i = 0; i * 188 < bytes.length; i++) {
            c.packetIndex = i;
            if (d.videoPid() >= 0 && isStart(bytes, i * 188, d.videoPid())) {
                c.starts.add(i);
            }
            d.feed(bytes, i * 188, Math.min(188, bytes.length - i * 188), i);
        }
        c.videoPid = d.videoPid();
        for (int k = 0; k < c.videoUnits.size() && k < c.starts.size(); k++) {
            c.videoUnits.get(k).firstPacket = c.starts.get(k);
        }
        return c;
    }

    private static boolean isVideoPacket(byte[] b, int index, Capture c) {
        int p = index * 188;
        return (((b[p + 1] & 0x1F) << 8) | (b[p + 2] & 0xFF)) == c.videoPid && (b[p + 1] & 0x40) == 0;
    }

    private static boolean isStart(byte[] b, int p, int pid) {
        return (b[p + 1] & 0x40) != 0 && (((b[p + 1] & 0x1F) << 8) | (b[p + 2] & 0xFF)) == pid;
    }

    private byte[] ffmpegVideo(Path ts) throws Exception {
        Path h264 = dir.resolve(ts.getFileName() + ".h264");
        Producer.ffmpegNow("-i", ts.toString(), "-map", "0:v", "-c", "copy", "-f", "h264", h264.toString());
        return Files.readAllBytes(h264);
    }

    private static void gstreamer(String launch) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(Producer.PYTHON)), "python3 is not installed");
        Process p = new ProcessBuilder(Producer.PYTHON, "-c", String.join("\n",
                "import sys, gi",
                "gi.require_version('Gst', '1.0')",
                "from gi.repository import Gst",
                "Gst.init(None)",
                "pipeline = Gst.parse_launch(sys.argv[1])",
                "pipeline.set_state(Gst.State.PLAYING)",
                "msg = pipeline.get_bus().timed_pop_filtered(60 * Gst.SECOND,",
                "    Gst.MessageType.EOS | Gst.MessageType.ERROR)",
                "pipeline.set_state(Gst.State.NULL)",
                "sys.exit(0 if msg and msg.type == Gst.MessageType.EOS else 1)"), launch)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "GStreamer pipeline failed: " + out);
    }

    /** One PES handed out, with the TS packet indexes that matter. */
    private static final class Unit {
        MpegTsDemuxer.End end;
        int lastPacket;
        int emittedAt;
        int firstPacket;
    }

    private static final class Capture implements MpegTsDemuxer.Listener {
        final ByteArrayOutputStream video = new ByteArrayOutputStream();
        final List<Unit> videoUnits = new ArrayList<>();
        final List<Unit> audioUnits = new ArrayList<>();
        final List<Integer> starts = new ArrayList<>();
        int videoType = -1;
        int audioType = -1;
        int videoPid = -1;
        int packetIndex;

        @Override
        public void program(int videoType, int audioType, boolean opus) {
            this.videoType = videoType;
            this.audioType = audioType;
        }

        @Override
        public void pes(boolean isVideo, byte[] data, int length, long pts90k, long arrivalNanos,
                MpegTsDemuxer.End end) {
            Unit u = new Unit();
            u.end = end;
            u.lastPacket = (int) arrivalNanos;
            u.emittedAt = packetIndex;
            if (isVideo) {
                video.write(data, 0, length);
                videoUnits.add(u);
            } else {
                audioUnits.add(u);
            }
        }
    }
}
