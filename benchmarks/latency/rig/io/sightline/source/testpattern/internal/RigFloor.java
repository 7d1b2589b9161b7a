package io.sightline.source.testpattern.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import io.sightline.api.codec.EncoderSettings;
import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.codec.ffmpeg.internal.H264EncoderFactory;
import io.sightline.source.testpattern.timecode.TimecodeReader;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.OptionalLong;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * The rig floor of the latency benchmark: the server's own test pattern renderer and H.264 encoder (the same
 * classes and settings the server runs), then FFmpeg's H.264 decoder, in one thread of one JVM, with no network,
 * no RTP, no jitter buffer and no browser. Each frame is paced like the live source (one per 1/fps), rendered with
 * its capture time, encoded, decoded, and its timecode read back from the decoded luma, proving the decoded picture
 * is the one captured. Prints per-frame render, encode and decode times and their sum (p50/p95/max, ms).
 *
 * <p>Lives in the renderer's package (plain class path, not OSGi) because the renderer is package-private.
 * Usage: {@code java -cp ... RigFloor [width=1280] [height=720] [fps=30] [kbps=2000] [seconds=10]}
 */
public final class RigFloor {
    private RigFloor() {
    }

    public static void main(String[] args) throws InterruptedException {
        int width = arg(args, 0, 1280);
        int height = arg(args, 1, 720);
        int fps = arg(args, 2, 30);
        int kbps = arg(args, 3, 2000);
        int frames = arg(args, 4, 10) * fps;
        int warmup = fps; // the first second: encoder start-up, JIT
        PatternRenderer renderer = new PatternRenderer(width, height, fps, "rig");
        double[] render = new double[frames];
        double[] encode = new double[frames];
        double[] decode = new double[frames];
        int read = 0;
        try (VideoEncoder encoder = new H264EncoderFactory().create(
                new EncoderSettings(Codec.H264, width, height, fps, kbps, 60));
                Decoder decoder = new Decoder()) {
            long periodNanos = 1_000_000_000L / fps;
            long next = System.nanoTime();
            for (int n = 0; n < warmup + frames; n++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next += periodNanos;
                long captured = System.currentTimeMillis();
                long t0 = System.nanoTime();
                byte[] picture = renderer.render(n, captured);
                long t1 = System.nanoTime();
                EncodedUnit unit = encoder.encode(new RawVideoFrame(width, height, picture, n * 1_000_000L / fps, captured),
                        n == 0, 1);
                long t2 = System.nanoTime();
                OptionalLong decoded = unit == null ? OptionalLong.empty() : decoder.decode(unit, width, height);
                long t3 = System.nanoTime();
                if (n >= warmup) {
                    int i = n - warmup;
                    render[i] = (t1 - t0) / 1e6;
                    encode[i] = (t2 - t1) / 1e6;
                    decode[i] = (t3 - t2) / 1e6;
                    if (decoded.isPresent() && decoded.getAsLong() == captured) {
                        read++;
                    }
                }
            }
        }
        double[] total = new double[frames];
        for (int i = 0; i < frames; i++) {
            total[i] = render[i] + encode[i] + decode[i];
        }
        System.out.printf("rig floor %dx%d@%d %d kbit/s OpenH264 -> FFmpeg h264, %d frames (%d read back):%n",
                width, height, fps, kbps, frames, read);
        print("render", render);
        print("encode", encode);
        print("decode", decode);
        print("total", total);
        if (read < frames * 9 / 10) {
            System.out.println("WARNING: fewer than 90% of decoded pictures carried their own timecode");
        }
    }

    private static void print(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf("  %-7s p50 %6.2f  p95 %6.2f  max %6.2f ms%n", what, s[s.length / 2],
                s[(int) Math.min(s.length - 1, Math.round(s.length * 0.95))], s[s.length - 1]);
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    /** FFmpeg's native H.264 decoder, fed Annex-B access units; returns the decoded picture's timecode. */
    private static final class Decoder implements AutoCloseable {
        private static final byte[] START = {0, 0, 0, 1};
        private final AVCodecContext context;
        private final AVPacket packet = av_packet_alloc();
        private final AVFrame frame = av_frame_alloc();
        private byte[] luma = new byte[0];

        Decoder() {
            context = avcodec_alloc_context3(avcodec_find_decoder(AV_CODEC_ID_H264));
            context.thread_count(1); // frame threads would add a frame of delay
            if (avcodec_open2(context, avcodec_find_decoder(AV_CODEC_ID_H264), (org.bytedeco.ffmpeg.avutil.AVDictionary) null) < 0) {
                throw new IllegalStateException("cannot open the H.264 decoder");
            }
        }

        OptionalLong decode(EncodedUnit unit, int width, int height) {
            int size = 0;
            for (ByteBuffer part : unit.parts()) {
                size += START.length + part.remaining();
            }
            BytePointer data = new BytePointer(av_mallocz(size + 64)).capacity(size + 64);
            int at = 0;
            for (ByteBuffer part : unit.parts()) {
                data.position(at).put(START);
                at += START.length;
                byte[] bytes = new byte[part.remaining()];
                part.duplicate().get(bytes);
                data.position(at).put(bytes);
                at += bytes.length;
            }
            data.position(0);
            org.bytedeco.ffmpeg.global.avcodec.av_packet_from_data(packet, data, size);
            int sent = avcodec_send_packet(context, packet);
            org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(packet);
            if (sent < 0 || avcodec_receive_frame(context, frame) < 0) {
                return OptionalLong.empty();
            }
            int stride = frame.linesize(0);
            int needed = stride * height;
            if (luma.length < needed) {
                luma = new byte[needed];
            }
            frame.data(0).capacity(needed).get(luma, 0, needed);
            return TimecodeReader.read(luma, 0, width, height, stride);
        }

        @Override
        public void close() {
            av_frame_free(frame);
            av_packet_free(packet);
            avcodec_free_context(context);
        }
    }
}
