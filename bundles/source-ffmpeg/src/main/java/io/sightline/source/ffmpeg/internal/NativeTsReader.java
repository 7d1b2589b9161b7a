package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import io.sightline.rtp.h264.NalUnits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading thread of an MPEG-TS feed (SRT, HTTP) read through FFmpeg's protocol layer only ({@link AvioInput})
 * and demuxed here ({@link MpegTsDemuxer}) instead of by FFmpeg: each picture goes to the stream as soon as the TS
 * packet with its last bytes is read, not when the next picture starts (decision 0035), and carries the time that
 * read returned ({@link EncodedUnit#arrivalNanos()}), so the stream measures the ingest delay.
 *
 * <p>Carries H.264 video (passed through) with no audio or AAC (ADTS) audio, transcoded to Opus as on the FFmpeg path.
 * Anything else (another video codec, no video, other audio, B-frames, bytes that are not MPEG-TS) is handed to
 * FFmpeg: at open with {@link Unsupported}, later by ending the run with {@link #needsFfmpeg()} set.
 */
final class NativeTsReader implements Runnable, MpegTsDemuxer.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(NativeTsReader.class);
    private static final int READ_BUFFER = 64 * 1024;

    /** The feed needs FFmpeg's demuxer; {@link #input()} is the still-open input rewound to its start, if it could be. */
    static final class Unsupported extends IOException {
        private final transient AvioInput input;
        private final transient InterruptDeadline deadline;

        Unsupported(String message, AvioInput input, InterruptDeadline deadline) {
            super(message);
            this.input = input;
            this.deadline = deadline;
        }

        /** The open input at its first byte for FFmpeg's demuxer, or {@code null}: reopen the URL. */
        AvioInput input() {
            return input;
        }

        /** The deadline that bounds {@link #input()}'s calls (its callback is copied into the input). */
        InterruptDeadline deadline() {
            return deadline;
        }
    }

    private final SourceContext context;
    private final SourceSettings settings;
    private final MediaSink sink;
    private final InterruptDeadline deadline;
    private final AvioInput input;
    private final MpegTsDemuxer demuxer = new MpegTsDemuxer(this);
    private final FirstMediaLog firstMedia;
    private final MediaClock.Origin origin = new MediaClock.Origin();
    private final MediaClock videoClock = new MediaClock(33_333, origin);
    private final byte[] buffer = new byte[READ_BUFFER];
    private H264Passthrough passthrough;
    private AdtsAudio audio;
    private String unsupported;
    private boolean programKnown;
    private boolean announced;
    private volatile boolean cancelled;
    private volatile boolean needsFfmpeg;
    private IOException pending;

    private NativeTsReader(SourceContext context, SourceSettings settings, InterruptDeadline deadline,
            AvioInput input, long openedNanos) {
        this.context = context;
        this.settings = settings;
        this.sink = context.sink();
        this.deadline = deadline;
        this.input = input;
        this.firstMedia = new FirstMediaLog(context.streamName(), settings.safeUrl(), openedNanos);
    }

    /**
     * Opens the feed and reads until its program is known (bounded by {@code source.open.timeout.ms}).
     *
     * @throws Unsupported when the feed needs FFmpeg's demuxer
     */
    static NativeTsReader open(SourceContext context, SourceSettings settings) throws IOException {
        if (settings.type() == SourceType.HTTP && isPlaylist(settings.url())) {
            throw new Unsupported("an HLS playlist", null, null);
        }
        long t0 = System.nanoTime();
        InterruptDeadline deadline = new InterruptDeadline();
        AvioInput input;
        try {
            input = AvioInput.open(settings.url(), settings.demuxerOptions(), deadline, settings.openTimeoutMs(),
                    settings.credentials());
        } catch (IOException | RuntimeException e) {
            deadline.close();
            throw e;
        }
        NativeTsReader reader = new NativeTsReader(context, settings, deadline, input, t0);
        try {
            reader.readProgram();
            return reader;
        } catch (Unsupported e) {
            if (e.input() == null) {
                reader.release();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            reader.release();
            throw e;
        }
    }

    /** Whether the run ended because the feed needs FFmpeg's demuxer (B-frames, a codec change): reopen through it. */
    boolean needsFfmpeg() {
        return needsFfmpeg;
    }

    void cancel() {
        cancelled = true;
        deadline.cancel();
    }

    private void readProgram() throws IOException {
        long end = System.nanoTime() + settings.openTimeoutMs() * 1_000_000L;
        byte[] head = new byte[3 * MpegTsDemuxer.PACKET];
        int n = input.readFully(head, settings.openTimeoutMs());
        if (n < 0) {
            throw new IOException("read failed: " + input.describe(n, settings.openTimeoutMs()));
        }
        if (n < head.length || head[0] != 0x47 || head[MpegTsDemuxer.PACKET] != 0x47
                || head[2 * MpegTsDemuxer.PACKET] != 0x47) {
            // Not MPEG-TS (an MJPEG or FLV feed over HTTP): FFmpeg's demuxer takes it from its first byte.
            if (input.rewind()) {
                throw new Unsupported("not MPEG-TS", input, deadline);
            }
            throw new Unsupported("not MPEG-TS", null, null);
        }
        demuxer.feed(head, 0, n, System.nanoTime());
        while (!programKnown) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new IOException("no MPEG-TS program (PAT/PMT) within " + settings.openTimeoutMs() + " ms");
            }
            n = input.read(buffer, (int) left);
            if (n < 0) {
                throw new IOException("read failed: " + input.describe(n, (int) left));
            }
            demuxer.feed(buffer, 0, n, System.nanoTime());
        }
        if (unsupported != null) {
            throw new Unsupported(unsupported, null, null);
        }
    }

    @Override
    public void run() {
        String failure = null;
        Throwable cause = null;
        try {
            announceIfReady();
            while (!cancelled) {
                int n = input.read(buffer, settings.readTimeoutMs());
                long arrival = System.nanoTime();
                if (n < 0) {
                    failure = n == AVERROR_EOF ? "input ended" : "read failed: "
                            + input.describe(n, settings.readTimeoutMs());
                    break;
                }
                demuxer.feed(buffer, 0, n, arrival);
                if (pending != null) {
                    throw pending;
                }
            }
        } catch (Unsupported e) {
            needsFfmpeg = true;
            failure = e.getMessage() + "; reopening through FFmpeg";
        } catch (IOException | RuntimeException e) {
            failure = settings.credentials().redact(e.getMessage() != null ? e.getMessage() : e.toString());
            cause = e;
        } finally {
            long[] ends = demuxer.ends();
            LOG.info("Stream '{}': MPEG-TS reader ended; PES units ended by length {}, by stuffing {}, at the next "
                    + "start {}; damaged {}, stuffing misses {}, sync losses {}", context.streamName(),
                    ends[0], ends[1], ends[2], demuxer.damagedUnits(), demuxer.stuffingMisses(), demuxer.syncLosses());
            release();
        }
        if (!cancelled && failure != null) {
            LOG.warn("Stream '{}': {} {}", context.streamName(), settings.safeUrl(), failure);
            sink.failed(failure, cause == null ? null : new IOException(failure));
        }
    }

    @Override
    public void program(int videoType, int audioType, boolean opus) {
        String why = null;
        if (videoType != MpegTsDemuxer.STREAM_H264) {
            why = videoType < 0 ? "no video stream" : String.format(Locale.ROOT, "video stream type 0x%02x", videoType);
        } else if (audioType >= 0 && audioType != MpegTsDemuxer.STREAM_AAC_ADTS) {
            why = opus ? "Opus audio" : String.format(Locale.ROOT, "audio stream type 0x%02x", audioType);
        }
        if (programKnown) {
            // The program changed mid-run (an encoder restart): carry on if it still fits, else go to FFmpeg.
            if (why != null || (audioType >= 0) != (audio != null)) {
                pending = new Unsupported("the program changed (" + (why != null ? why : "audio added or removed")
                        + ")", null, null);
            }
            return;
        }
        programKnown = true;
        if (why != null) {
            unsupported = why;
            return;
        }
        passthrough = new H264Passthrough(ByteBuffer.allocate(0), 0);
        if (audioType >= 0) {
            try {
                audio = AdtsAudio.open(origin);
            } catch (IOException e) {
                LOG.warn("Stream '{}': audio of {} cannot be transcoded to Opus and is dropped: {}",
                        context.streamName(), settings.safeUrl(), e.getMessage());
            }
        }
    }

    @Override
    public void pes(boolean video, byte[] data, int length, long pts90k, long arrivalNanos, MpegTsDemuxer.End end) {
        if (!programKnown || unsupported != null || pending != null) {
            return;
        }
        try {
            if (video) {
                videoUnit(data, length, pts90k, arrivalNanos);
            } else if (audio != null) {
                audio.pes(data, length, pts90k, System.currentTimeMillis(), this::pushAudio);
            }
        } catch (IOException e) {
            pending = e;
        }
    }

    private void videoUnit(byte[] data, int length, long pts90k, long arrivalNanos) {
        List<ByteBuffer> nals = NalUnits.splitAnnexB(ByteBuffer.wrap(data, 0, length)); // copies each NAL unit
        long pts = videoClock.next(pts90k < 0 ? null : pts90k * 100 / 9);
        H264Passthrough.Verdict verdict = passthrough.accept(nals, false, pts, System.currentTimeMillis(),
                arrivalNanos);
        if (verdict == H264Passthrough.Verdict.NEEDS_DECODING) {
            pending = new Unsupported("B-frames in the stream", null, null);
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

    private void pushAudio(EncodedUnit unit) {
        if (announced) {
            firstMedia.pushed();
            sink.push(unit);
        }
    }

    private void announceIfReady() {
        if (announced || passthrough == null || passthrough.track() == null) {
            return; // the SPS is still unknown: it comes in-band with the first keyframe
        }
        List<Track> tracks = new ArrayList<>(2);
        tracks.add(passthrough.track());
        if (audio != null) {
            tracks.add(audio.track());
        }
        sink.tracks(List.copyOf(tracks));
        announced = true;
        LOG.info("Stream '{}': passthrough tracks {} (MPEG-TS read by Sightline)", context.streamName(), tracks);
    }

    private void release() {
        if (audio != null) {
            audio.close();
            audio = null;
        }
        input.close();
        deadline.close();
    }

    private static boolean isPlaylist(String url) {
        String path = url.split("[?#]", 2)[0].toLowerCase(Locale.ROOT);
        return path.endsWith(".m3u8") || path.endsWith(".m3u");
    }
}
