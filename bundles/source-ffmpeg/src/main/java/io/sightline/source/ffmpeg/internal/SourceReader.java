package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading thread of one source run: reads packets and routes them.
 *
 * <p>Video: H.264 goes through {@link H264Passthrough} (no decoding) while its SPS allows it and no B slice shows up;
 * anything else, or {@code source.passthrough=never}, goes through {@link DecodedVideo} to raw pictures that the
 * stream encodes. Audio goes through {@link OpusTranscoder}. Tracks are announced once the video mode and (for
 * passthrough) the SPS are known, and again when either changes; media before that is dropped.
 *
 * <p>Files are paced at real time by their decode timestamps and rewound at the end when looping. Any other end of
 * input, read error or read timeout ends the run with {@link MediaSink#failed}.
 */
final class SourceReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceReader.class);

    private final SourceContext context;
    private final SourceSettings settings;
    private final MediaSink sink;
    private final InterruptDeadline deadline;
    private final FfmpegInput input;
    private final FirstMediaLog firstMedia;
    private final MediaClock.Origin origin = new MediaClock.Origin();
    private final int videoIndex;
    private final int audioIndex;
    private final double fps;
    private MediaClock videoClock;
    private H264Passthrough passthrough;
    private final InstalledDecoders decoders;
    private DecodedVideo decoder;
    private OpusTranscoder audio;
    private AudioDeviceReader audioDevice;
    private boolean announced;
    /** When the last av_read_frame returned ({@link System#nanoTime()}). */
    private long readNanos;
    private volatile boolean cancelled;
    // Real-time pacing of files.
    private MediaClock pacingClock;
    private long pacingStartNanos;
    private long pacingStartMicros;

    private SourceReader(SourceContext context, SourceSettings settings, InstalledDecoders decoders,
            InterruptDeadline deadline, FfmpegInput input, long openedNanos) {
        this.context = context;
        this.decoders = decoders;
        this.settings = settings;
        this.sink = context.sink();
        this.deadline = deadline;
        this.input = input;
        this.firstMedia = new FirstMediaLog(context.streamName(), settings.safeUrl(), openedNanos);
        this.videoIndex = firstStream(input, AVMEDIA_TYPE_VIDEO);
        this.audioIndex = firstStream(input, AVMEDIA_TYPE_AUDIO);
        this.fps = videoIndex < 0 ? 0 : frameRate(input.stream(videoIndex));
    }

    /** Opens the input (blocking, bounded by {@code source.open.timeout.ms}) and prepares the codecs. */
    static SourceReader open(SourceContext context, SourceSettings settings, InstalledDecoders decoders)
            throws IOException {
        return open(context, settings, decoders, new InterruptDeadline(), null);
    }

    /**
     * As {@link #open(SourceContext, SourceSettings, InstalledDecoders)} on an input whose protocol is already open
     * (given up by the MPEG-TS reader when the bytes were not MPEG-TS), with the deadline its calls are bounded by.
     */
    static SourceReader open(SourceContext context, SourceSettings settings, InstalledDecoders decoders,
            InterruptDeadline deadline, AvioInput opened) throws IOException {
        long t0 = System.nanoTime();
        FfmpegInput input;
        try {
            input = FfmpegInput.open(settings.url(), settings.type().inputFormat(), settings.demuxerOptions(),
                    !settings.type().headerDescribesStreams(), deadline, settings.openTimeoutMs(),
                    settings.credentials(), opened);
        } catch (IOException | RuntimeException e) {
            deadline.close();
            throw e;
        }
        SourceReader reader = new SourceReader(context, settings, decoders, deadline, input, t0);
        try {
            reader.prepare();
        } catch (IOException | RuntimeException e) {
            reader.release();
            throw e;
        }
        return reader;
    }

    /** Aborts the reader's blocking call; the thread then reports nothing and frees the input. */
    void cancel() {
        cancelled = true;
        deadline.cancel();
    }

    @Override
    public void run() {
        AVPacket packet = av_packet_alloc();
        String failure = null;
        Throwable cause = null;
        try {
            announceIfReady();
            if (audioDevice != null) {
                audioDevice.start(context.streamName());
            }
            while (!cancelled) {
                int ret = input.read(packet, settings.readTimeoutMs());
                readNanos = System.nanoTime();
                if (ret < 0) {
                    if (ret == AVERROR_EOF && settings.type() == SourceType.FILE && settings.loop()
                            && !cancelled && rewind()) {
                        continue;
                    }
                    failure = ret == AVERROR_EOF ? "input ended" : "read failed: "
                            + input.describe(ret, settings.readTimeoutMs());
                    break;
                }
                try {
                    route(packet);
                } finally {
                    av_packet_unref(packet);
                }
                if (audioDevice != null && (failure = drainAudioDevice()) != null) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = settings.credentials().redact(e.getMessage() != null ? e.getMessage() : e.toString());
            cause = e;
        } finally {
            av_packet_free(packet);
            release();
        }
        if (!cancelled && failure != null) {
            LOG.warn("Stream '{}': {} {}", context.streamName(), settings.safeUrl(), failure);
            sink.failed(failure, cause == null ? null : new IOException(failure));
        }
    }

    private void prepare() throws IOException {
        if (videoIndex < 0 && audioIndex < 0) {
            throw new IOException("no audio or video in " + settings.safeUrl());
        }
        if (videoIndex >= 0) {
            AVStream s = input.stream(videoIndex);
            AVCodecParameters p = s.codecpar();
            videoClock = new MediaClock(fps > 0 ? (long) (1_000_000 / fps) : 33_333, origin);
            if (p.codec_id() == AV_CODEC_ID_H264 && settings.passthroughAllowed()) {
                passthrough = new H264Passthrough(extradata(p), fps);
                if (!passthrough.passable()) {
                    startDecoding("the SPS announces B-frames or a profile browsers do not decode");
                }
            } else {
                startDecoding(p.codec_id() == AV_CODEC_ID_H264 ? "source.passthrough=never" : "codec is not H.264");
            }
        }
        if (audioIndex >= 0) {
            AVStream s = input.stream(audioIndex);
            try {
                audio = OpusTranscoder.open(s.codecpar(), s.time_base(), origin);
            } catch (IOException e) {
                // Not silent: the stream runs without sound and says why.
                LOG.warn("Stream '{}': audio of {} cannot be transcoded to Opus and is dropped: {}",
                        context.streamName(), settings.safeUrl(), e.getMessage());
            }
        }
        if (settings.type() == SourceType.V4L2 && !settings.audioDevice().isEmpty()) {
            audioDevice = AudioDeviceReader.open(settings.audioDevice(), settings, origin);
        }
        if (settings.type() == SourceType.FILE) {
            pacingClock = new MediaClock(videoClock != null ? 33_333 : 20_000, new MediaClock.Origin());
        }
    }

    private void route(AVPacket packet) throws IOException {
        int index = packet.stream_index();
        long arrival = System.currentTimeMillis();
        if (index != videoIndex && index != audioIndex) {
            return;
        }
        if (pacingClock != null && index == (videoIndex >= 0 ? videoIndex : audioIndex)) {
            pace(packet);
        }
        if (index == videoIndex) {
            if (passthrough != null) {
                passThrough(packet, arrival);
            } else {
                decoder.decode(packet, arrival, frame -> {
                    if (announced) {
                        firstMedia.pushed();
                        sink.push(frame);
                    }
                });
            }
        } else if (audio != null) {
            audio.transcode(packet, arrival, unit -> {
                if (announced) {
                    firstMedia.pushed();
                    sink.push(unit);
                }
            });
        }
    }

    private void passThrough(AVPacket packet, long arrival) throws IOException {
        ByteBuffer payload = packet.data().capacity(packet.size()).asByteBuffer();
        long ts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
        Long micros = ts == AV_NOPTS_VALUE ? null : toMicros(ts, input.stream(videoIndex).time_base());
        long pts = videoClock.next(micros);
        // RTMP: an FLV tag is a whole picture and FFmpeg hands it out as soon as the tag is read, so the moment
        // av_read_frame returned stands for its arrival (it covers the hand-off, not the RTMP chunking inside FFmpeg).
        // Other FFmpeg inputs report none: there the demuxer itself may have held the picture.
        H264Passthrough.Verdict verdict = passthrough.accept(payload, (packet.flags() & AV_PKT_FLAG_KEY) != 0, pts,
                arrival, settings.type() == SourceType.RTMP ? readNanos : 0);
        if (verdict == H264Passthrough.Verdict.NEEDS_DECODING) {
            startDecoding("B-frames in the stream");
            announced = false;
            announceIfReady();
            decoder.decode(packet, arrival, frame -> { }); // primes the decoder; pictures start at the next keyframe
            return;
        }
        if (passthrough.takeTrackChange()) {
            announced = false;
        }
        announceIfReady();
        if (verdict == H264Passthrough.Verdict.UNIT && announced) {
            firstMedia.pushed();
            sink.push(passthrough.unit());
        }
    }

    /** Pushes the companion ALSA reader's units; returns its failure, if any. */
    private String drainAudioDevice() {
        for (var unit = audioDevice.poll(); unit != null; unit = audioDevice.poll()) {
            if (announced) {
                sink.push(unit);
            }
        }
        return audioDevice.failure();
    }

    private void startDecoding(String why) throws IOException {
        AVStream s = input.stream(videoIndex);
        decoder = DecodedVideo.open(context.streamName(), s, fps, origin, decoders);
        passthrough = null;
        LOG.info("Stream '{}': decoding video of {} ({}); the stream re-encodes it", context.streamName(),
                settings.safeUrl(), why);
    }

    private void announceIfReady() {
        if (announced) {
            return;
        }
        List<Track> tracks = new ArrayList<>(2);
        if (passthrough != null) {
            if (passthrough.track() == null) {
                return; // the SPS is still unknown: it comes in-band with the first keyframe
            }
            tracks.add(passthrough.track());
        }
        if (audio != null) {
            tracks.add(audio.track());
        } else if (audioDevice != null) {
            tracks.add(audioDevice.track());
        }
        sink.tracks(List.copyOf(tracks));
        announced = true;
        LOG.info("Stream '{}': {} tracks {}", context.streamName(), passthrough != null ? "passthrough" : "decoded",
                tracks);
    }


    /** Sleeps until a file's packet is due, so a file plays at real time. */
    private void pace(AVPacket packet) {
        long ts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : packet.pts();
        AVRational tb = input.stream(packet.stream_index()).time_base();
        long due = pacingClock.next(ts == AV_NOPTS_VALUE ? null : toMicros(ts, tb));
        long now = System.nanoTime();
        if (pacingStartNanos == 0) {
            pacingStartNanos = now;
            pacingStartMicros = due;
            return;
        }
        long wait = pacingStartNanos + (due - pacingStartMicros) * 1000 - now;
        while (wait > 0 && !cancelled) {
            LockSupport.parkNanos(Math.min(wait, 50_000_000L));
            wait = pacingStartNanos + (due - pacingStartMicros) * 1000 - System.nanoTime();
        }
    }

    private boolean rewind() {
        if (input.rewind() < 0) {
            return false;
        }
        videoClock.rebase();
        pacingClock.rebase();
        if (decoder != null) {
            decoder.rebase();
        }
        if (audio != null) {
            audio.rebase();
        }
        return true;
    }

    private void release() {
        if (audioDevice != null) {
            audioDevice.close();
            audioDevice = null;
        }
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        if (audio != null) {
            audio.close();
            audio = null;
        }
        input.close();
        deadline.close();
    }

    private static long toMicros(long ts, AVRational tb) {
        return ts * 1_000_000L * tb.num() / tb.den();
    }

    private static ByteBuffer extradata(AVCodecParameters p) {
        int size = p.extradata_size();
        if (size <= 0 || p.extradata() == null || p.extradata().isNull()) {
            return ByteBuffer.allocate(0);
        }
        byte[] copy = new byte[size];
        p.extradata().get(copy);
        return ByteBuffer.wrap(copy);
    }

    private static int firstStream(FfmpegInput input, int mediaType) {
        for (int i = 0; i < input.streamCount(); i++) {
            if (input.stream(i).codecpar().codec_type() == mediaType) {
                return i;
            }
        }
        return -1;
    }

    private static double frameRate(AVStream s) {
        AVRational r = s.avg_frame_rate();
        if (r.num() <= 0 || r.den() <= 0) {
            r = s.r_frame_rate();
        }
        double f = r.num() > 0 && r.den() > 0 ? (double) r.num() / r.den() : 0;
        return f > 0 && f <= 240 ? f : 0; // RTSP reports 90000-ish tick rates here, not frame rates
    }
}
