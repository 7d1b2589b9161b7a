package io.sightline.source.ffmpeg.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import io.sightline.rtp.rtp.H264Depacketizer;
import io.sightline.rtp.rtp.RtpHeader;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reading thread of an RTSP camera read by Sightline's own client ({@link RtspSession}) instead of FFmpeg's
 * demuxer: RTP straight from the socket into {@link H264Depacketizer}, and each access unit to the stream the moment
 * its marker packet arrives. FFmpeg's RTSP demuxer runs H.264 through a byte-stream parser that finds the end of an
 * access unit only when the next one begins, which held every picture back by one frame interval (decision 0027).
 *
 * <p>Media times come from the RTP timestamps, anchored per track at the arrival of its first packet, so audio and
 * video stay aligned as they arrived. The camera's B-frames (seen in the SPS or a slice) end the run with
 * {@link #needsFfmpeg()} set; the source then reopens through FFmpeg, which decodes them.
 */
final class NativeRtspReader implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeRtspReader.class);

    private final SourceContext context;
    private final SourceSettings settings;
    private final MediaSink sink;
    private final RtspSession session;
    private final FirstMediaLog firstMedia;
    private final MediaClock.Origin origin = new MediaClock.Origin();
    private final H264Passthrough passthrough;
    private final H264Depacketizer depacketizer;
    private final TrackClock videoClock;
    private final RtspAudio audio;
    private final TrackClock audioClock;
    private final RtpHeader header = new RtpHeader();
    private long packetArrivalNanos;
    private boolean announced;
    private volatile boolean cancelled;
    private volatile boolean needsFfmpeg;
    private IOException pending;

    private NativeRtspReader(SourceContext context, SourceSettings settings, RtspSession session, RtspAudio audio,
            long openedNanos) {
        this.context = context;
        this.settings = settings;
        this.sink = context.sink();
        this.session = session;
        this.audio = audio;
        this.firstMedia = new FirstMediaLog(context.streamName(), settings.safeUrl(), openedNanos);
        this.passthrough = new H264Passthrough(ByteBuffer.wrap(session.parameterSets()), 0);
        this.depacketizer = new H264Depacketizer(this::accessUnit);
        this.videoClock = new TrackClock(90_000, 33_333, origin);
        this.audioClock = audio == null ? null
                : new TrackClock(session.audio().format().clockRate() > 0 ? session.audio().format().clockRate()
                        : 8000, 20_000, origin);
    }

    /**
     * Opens the camera's session (bounded by {@code source.open.timeout.ms}).
     *
     * @throws RtspSession.Unsupported when the session needs the FFmpeg path
     */
    static NativeRtspReader open(SourceContext context, SourceSettings settings) throws IOException {
        long t0 = System.nanoTime();
        RtspSession session = RtspSession.open(settings.url(), settings.rtspTransport().equals("udp"),
                settings.openTimeoutMs());
        RtspAudio audio = null;
        try {
            if (!new H264Passthrough(ByteBuffer.wrap(session.parameterSets()), 0).passable()) {
                throw new RtspSession.Unsupported("the SPS announces B-frames or a profile browsers do not decode");
            }
            if (session.audio() != null) {
                audio = RtspAudio.open(session.audio().format(), new MediaClock.Origin());
            }
            NativeRtspReader reader = new NativeRtspReader(context, settings, session, audio, t0);
            session.play();
            session.connection().readTimeout(settings.readTimeoutMs());
            return reader;
        } catch (IOException | RuntimeException e) {
            if (audio != null) {
                audio.close();
            }
            session.close();
            throw e;
        }
    }

    /** Whether the run ended because the camera's video needs decoding (B-frames): reopen through FFmpeg. */
    boolean needsFfmpeg() {
        return needsFfmpeg;
    }

    void cancel() {
        cancelled = true;
        session.close(); // unblocks the socket read or the selector's channels
    }

    @Override
    public void run() {
        String failure = null;
        Throwable cause = null;
        try {
            if (session.udp()) {
                readUdp();
            } else {
                readTcp();
            }
        } catch (SocketTimeoutException e) {
            failure = "read failed: no data for " + settings.readTimeoutMs() + " ms";
        } catch (RtspSession.Unsupported e) {
            needsFfmpeg = true;
            failure = e.getMessage() + "; reopening through FFmpeg";
        } catch (ClosedChannelException e) {
            failure = cancelled ? null : "connection closed";
        } catch (IOException | RuntimeException e) {
            failure = settings.credentials().redact(e.getMessage() != null ? e.getMessage() : e.toString());
            cause = e;
        } finally {
            session.close();
            if (audio != null) {
                audio.close();
            }
        }
        if (!cancelled && failure != null) {
            LOG.warn("Stream '{}': {} {}", context.streamName(), settings.safeUrl(), failure);
            sink.failed(failure, cause == null ? null : new IOException(failure));
        }
    }

    private void readTcp() throws IOException {
        RtspConnection.Frame frame = new RtspConnection.Frame();
        int videoChannel = session.video().channel();
        int audioChannel = session.audio() == null ? -1 : session.audio().channel();
        long nextKeepAlive = System.nanoTime() + session.keepAliveNanos();
        while (!cancelled) {
            session.connection().readFrame(frame);
            packetArrivalNanos = frame.arrivalNanos;
            if (frame.channel == videoChannel) {
                rtp(frame.data, frame.length, true);
            } else if (frame.channel == audioChannel) {
                rtp(frame.data, frame.length, false);
            } // odd channels: RTCP, not needed for timing here
            if (frame.arrivalNanos - nextKeepAlive > 0) {
                session.keepAlive();
                nextKeepAlive = frame.arrivalNanos + session.keepAliveNanos();
            }
        }
    }

    private void readUdp() throws IOException {
        try (Selector selector = Selector.open()) {
            List<DatagramChannel> channels = new ArrayList<>(2);
            for (RtspSession.TrackSetup t : session.tracks()) {
                t.udp().configureBlocking(false);
                t.udp().register(selector, SelectionKey.OP_READ, t == session.video());
                channels.add(t.udp());
            }
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long nextKeepAlive = System.nanoTime() + session.keepAliveNanos();
            long lastData = System.nanoTime();
            while (!cancelled) {
                selector.select(250);
                long now = System.nanoTime();
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    boolean video = (Boolean) key.attachment();
                    for (buf.clear(); ch.receive(buf) != null; buf.clear()) {
                        packetArrivalNanos = System.nanoTime();
                        lastData = packetArrivalNanos;
                        rtp(buf.array(), buf.position(), video);
                    }
                }
                selector.selectedKeys().clear();
                if ((now - lastData) / 1_000_000 >= settings.readTimeoutMs()) {
                    throw new SocketTimeoutException();
                }
                if (now - nextKeepAlive > 0) {
                    session.connection().skipResponses();
                    session.keepAlive();
                    nextKeepAlive = now + session.keepAliveNanos();
                }
            }
        }
    }

    private void rtp(byte[] data, int length, boolean video) throws IOException {
        int headerLength = header.read(data, 0, length);
        if (headerLength < 0) {
            return; // not RTP: dropped
        }
        int end = length;
        if (header.padding() && length > headerLength) {
            end -= data[length - 1] & 0xff;
        }
        if (end <= headerLength) {
            return;
        }
        ByteBuffer payload = ByteBuffer.wrap(data, headerLength, end - headerLength);
        if (video) {
            if (header.payloadType() == session.video().format().payloadType()) {
                depacketizer.packet(payload, header.sequenceNumber(), header.timestamp(), header.marker());
                if (pending != null) {
                    IOException e = pending;
                    pending = null;
                    throw e;
                }
            }
        } else if (audio != null && header.payloadType() == session.audio().format().payloadType()) {
            long ts = audioClock.unwrap(header.timestamp(), packetArrivalNanos);
            audio.packet(payload, audioClock.micros(ts), ts, System.currentTimeMillis(), packetArrivalNanos,
                    this::pushAudio);
        }
    }

    private void accessUnit(List<ByteBuffer> nals, long rtpTimestamp, boolean damaged) {
        long ts = videoClock.unwrap(rtpTimestamp, packetArrivalNanos);
        H264Passthrough.Verdict verdict = passthrough.accept(nals, false, videoClock.micros(ts),
                System.currentTimeMillis(), packetArrivalNanos);
        if (verdict == H264Passthrough.Verdict.NEEDS_DECODING) {
            pending = new RtspSession.Unsupported("B-frames in the stream");
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
        announceIfReady();
        if (announced) {
            firstMedia.pushed();
            sink.push(unit);
        }
    }

    private void announceIfReady() {
        if (announced || passthrough.track() == null) {
            return; // the SPS is still unknown: it comes in-band with the first keyframe
        }
        List<Track> tracks = new ArrayList<>(2);
        tracks.add(passthrough.track());
        if (audio != null) {
            tracks.add(audio.track());
        }
        sink.tracks(List.copyOf(tracks));
        announced = true;
        LOG.info("Stream '{}': passthrough tracks {} (native RTSP client, {})", context.streamName(), tracks,
                session.udp() ? "UDP" : "TCP");
    }


    /**
     * One track's RTP clock: 32-bit timestamps unwrapped, then anchored at the arrival time of the track's first
     * packet on a clock shared with the other track (RTCP sender reports would align them more exactly; the arrival
     * anchor is within network jitter).
     */
    private static final class TrackClock {
        private final int rate;
        private final MediaClock clock;
        private long last = -1;
        private long unwrapped;
        private long firstTs;
        private long anchorMicros;

        TrackClock(int rate, long stepMicros, MediaClock.Origin origin) {
            this.rate = rate;
            this.clock = new MediaClock(stepMicros, origin);
        }

        long unwrap(long timestamp, long arrivalNanos) {
            if (last < 0) {
                unwrapped = timestamp;
                firstTs = timestamp;
                anchorMicros = arrivalNanos / 1000;
            } else {
                unwrapped += (int) (timestamp - last); // signed 32-bit difference
            }
            last = timestamp;
            return unwrapped;
        }

        long micros(long unwrappedTs) {
            return clock.next(anchorMicros + (unwrappedTs - firstTs) * 1_000_000L / rate);
        }
    }
}
