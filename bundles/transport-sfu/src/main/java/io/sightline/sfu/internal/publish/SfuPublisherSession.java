package io.sightline.sfu.internal.publish;

import io.sightline.rtp.h264.H264Ingest;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.MediaSink;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.PublisherSession;
import io.sightline.api.transport.PublisherStats;
import io.sightline.rtp.rtcp.RtcpWriter;
import io.sightline.rtp.rtp.Av1Depacketizer;
import io.sightline.rtp.rtp.H264Depacketizer;
import io.sightline.rtp.rtp.NackGenerator;
import io.sightline.rtp.rtp.ReorderWindow;
import io.sightline.rtp.rtp.RtpHeader;
import io.sightline.rtp.rtp.Vp8Depacketizer;
import io.sightline.rtp.rtp.Vp9Depacketizer;
import io.sightline.rtp.sdp.RtpFormat;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.TrickleIceFragment;
import io.sightline.rtp.srtp.SrtpContext;
import io.sightline.rtp.srtp.SrtpException;
import io.sightline.rtp.srtp.SrtpSession;
import io.sightline.sfu.internal.dtls.DtlsListener;
import io.sightline.sfu.internal.dtls.DtlsSession;
import io.sightline.sfu.internal.dtls.DtlsSrtpKeys;
import io.sightline.sfu.internal.dtls.PacketSender;
import io.sightline.sfu.internal.ice.IceSession;
import io.sightline.sfu.internal.ice.IceSessionListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WHIP publisher: the reverse of a viewer session on the same ICE-lite / DTLS / SRTP stack. RTP arrives on the
 * ICE receive thread, is decrypted, put back in order in a small {@link ReorderWindow} (video) and depacketized into
 * access units that go into the stream's sink as a capture source's would. Losses are NACKed, the stream's keyframe
 * requests become PLIs (at most one per {@link #PLI_INTERVAL_NANOS}), and a REMB tells the publisher how much it may
 * send (nothing else gives a browser's encoder a bandwidth estimate here). A publisher that sent no keyframe for the
 * stream's {@code publish.keyframe.seconds} is asked for one, so the SFU's cached GOP stays short enough for a joining
 * viewer to start on it at once: browsers send keyframes only when asked.
 *
 * <p>Threads: the ICE receive thread (media) and the shared feedback timer (every {@link #TICK_MS} ms: give up
 * stale gaps, send NACK / PLI / reports) both work under {@code receiveLock}; it is held for in-memory work and
 * non-blocking sends only.
 */
public final class SfuPublisherSession implements PublisherSession, PublishedStreams.Publisher, IceSessionListener,
        DtlsListener {
    private static final Logger LOG = LoggerFactory.getLogger(SfuPublisherSession.class);
    static final long TICK_MS = 10;
    /** A gap may hold later packets this long: a few retransmission round trips on a fair link. */
    static final long REORDER_HOLD_NANOS = 80_000_000L;
    static final long PLI_INTERVAL_NANOS = 300_000_000L;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** What the REMB allows the publisher: ample for 1080p, far below what a LAN carries. */
    static final long REMB_BPS = 6_000_000L;
    private static final int BUFFER = 1600;

    /** What the session needs from the transport that made it. */
    public interface Host {
        String restartIce(IceSession session);

        void closed(SfuPublisherSession session, IceSession iceSession);
    }

    private final String id;
    private final String streamName;
    private final String remoteAddress;
    private final Host host;
    private final PublishedStreams.Slot slot;
    private final MediaSink sink;
    private final RtpFormat videoFormat;
    private final RtpFormat audioFormat;
    private final long localSsrc;
    private final Object receiveLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    private final byte[] in = new byte[BUFFER];
    private final byte[] out = new byte[BUFFER];
    private final ByteBuffer outView = ByteBuffer.wrap(out);
    private final int[] nackList = new int[64];
    private final RtpHeader header = new RtpHeader();
    private final ReorderWindow reorder;
    private final NackGenerator nacks = new NackGenerator(256, 10, 1_000_000_000L);
    private final H264Depacketizer depacketizer;
    private final H264Ingest video;
    /** VP8, VP9 or AV1 publishers instead of the two above (null for H.264): one frame per timestamp. */
    private final FrameDepacketizer frames;
    /** The video codec of {@link #frames} and its parameters as viewers are told them (null for H.264). */
    private final Codec frameCodec;
    private final CodecParameters frameParameters;
    private final H264Ingest.Output videoOut;
    private boolean framesWaitingForKeyframe = true;
    private long framesDropped;
    private long malformedLogNanos = Long.MIN_VALUE / 4;
    private long malformedLogged;
    private final Clock videoClock = new Clock(90_000);
    private final Clock audioClock = new Clock(48_000);
    private final List<Track> tracks = new ArrayList<>(2);
    private volatile String answerSdp;
    private volatile IceSession ice;
    /** Where RTCP goes: the ICE session's selected path; non-blocking. */
    private volatile PacketSender path = packet -> false;
    private volatile DtlsSession dtls;
    private volatile String state = "new";
    private volatile boolean keyframeWanted = true;
    /** System.nanoTime() of the last media packet; 0 before the first (read by the stream's silence check). */
    private volatile long lastMediaNanos;
    private final long keyframeRefreshNanos;
    private volatile ScheduledExecutorService timer;
    private ScheduledFuture<?> ticker;
    private SrtpContext inbound;
    private SrtpContext outbound;
    private long videoSsrc;
    private long audioSsrc;
    /** Far in the past: the first PLI goes out at once. */
    private long lastPliNanos = Long.MIN_VALUE / 4;
    private long lastReportNanos;
    private long lastKeyframeNanos;
    private long arrivalNanos;
    private boolean announced;
    private Track videoTrack;
    private long packets;
    private long undecryptable;
    private long plis;
    private long units;
    private long bytes;
    private long bytesAtReport;
    private volatile long bitrateBps;
    private final long createdMillis = System.currentTimeMillis();

    public SfuPublisherSession(String id, String streamName, String remoteAddress, Host host, PublishedStreams.Slot slot,
            RtpFormat videoFormat, RtpFormat audioFormat, long localSsrc) {
        this.id = id;
        this.streamName = streamName;
        this.remoteAddress = remoteAddress;
        this.host = host;
        this.slot = slot;
        this.sink = slot.context().sink();
        this.videoFormat = videoFormat;
        this.audioFormat = audioFormat;
        this.localSsrc = localSsrc;
        this.keyframeRefreshNanos = slot.keyframeRefreshNanos();
        this.videoOut = new H264Ingest.Output() {
            @Override
            public void track(Track track) {
                videoTrack = track;
                announced = false;
            }

            @Override
            public void unit(EncodedUnit unit) {
                announce();
                units++;
                if (unit.keyframe()) {
                    lastKeyframeNanos = arrivalNanos;
                    keyframeWanted = false; // whoever asked is served by this one
                }
                sink.push(unit);
            }

            @Override
            public void keyframeNeeded() {
                keyframeWanted = true;
            }
        };
        this.video = new H264Ingest(videoOut);
        this.depacketizer = new H264Depacketizer((nals, ts, damaged) -> video.accessUnit(nals, damaged,
                videoClock.micros(ts, arrivalNanos), System.currentTimeMillis(), arrivalNanos));
        Codec codec = videoFormat == null ? null : Codec.fromRtpName(videoFormat.encodingName());
        this.frameCodec = codec == Codec.VP8 || codec == Codec.VP9 || codec == Codec.AV1 ? codec : null;
        this.frameParameters = frameParameters(frameCodec);
        this.frames = frameDepacketizer(frameCodec, this::frame);
        this.reorder = new ReorderWindow(512, BUFFER, REORDER_HOLD_NANOS, (payload, seq, ts, marker, at) -> {
            arrivalNanos = at;
            if (frames != null) {
                frames.packet(payload, seq, ts, marker);
                checkMalformed(at);
            } else {
                depacketizer.packet(payload, seq, ts, marker);
            }
        });
    }

    /** Wires the session to its ICE and DTLS sessions and starts its feedback timer. */
    public void attach(IceSession iceSession, DtlsSession dtlsSession, String answer, ScheduledExecutorService timer) {
        attach(iceSession::send, iceSession, dtlsSession, answer);
        this.timer = timer;
        this.ticker = timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** As above with RTCP sent through {@code sender} and no timer (tests call {@link #tick()}). */
    void attach(PacketSender sender, IceSession iceSession, DtlsSession dtlsSession, String answer) {
        this.path = sender;
        this.ice = iceSession;
        this.dtls = dtlsSession;
        this.answerSdp = answer;
    }

    // ---- media in (ICE receive thread) --------------------------------------------------------------------------

    @Override
    public void onRtp(IceSession session, ByteBuffer packet) {
        long now = System.nanoTime();
        int len = packet.remaining();
        synchronized (receiveLock) {
            SrtpContext srtp = inbound;
            if (srtp == null || len > in.length || closed.get()) {
                return;
            }
            packet.get(in, 0, len);
            int plain;
            try {
                plain = srtp.unprotectRtp(in, 0, len);
            } catch (SrtpException e) {
                undecryptable++;
                return;
            }
            int offset = header.read(in, 0, plain);
            if (offset < 0) {
                return;
            }
            int payload = plain - offset;
            if (header.padding() && payload > 0) {
                payload -= in[plain - 1] & 0xff;
            }
            if (payload <= 0) {
                return; // padding-only probes
            }
            packets++;
            bytes += len;
            lastMediaNanos = now;
            int pt = header.payloadType();
            if (videoFormat != null && pt == videoFormat.payloadType()) {
                videoSsrc = header.ssrc();
                nacks.received(header.sequenceNumber(), now);
                reorder.add(in, offset, payload, header.sequenceNumber(), header.timestamp(), header.marker(), now);
            } else if (audioFormat != null && pt == audioFormat.payloadType()) {
                audioSsrc = header.ssrc();
                audio(offset, payload, now);
            }
        }
    }

    /** The frame depacketizers share one shape: packets in, whole or damaged frames out, malformed ones counted. */
    private record FrameDepacketizer(PacketSink sink, LongSupplier malformed) {
        void packet(ByteBuffer payload, int seq, long ts, boolean marker) {
            sink.packet(payload, seq, ts, marker);
        }

        long malformedPackets() {
            return malformed.getAsLong();
        }
    }

    @FunctionalInterface
    private interface PacketSink {
        void packet(ByteBuffer payload, int seq, long ts, boolean marker);
    }

    private static FrameDepacketizer frameDepacketizer(Codec codec, Vp8Depacketizer.FrameListener listener) {
        if (codec == null) {
            return null;
        }
        return switch (codec) {
            case VP8 -> {
                Vp8Depacketizer d = new Vp8Depacketizer(listener);
                yield new FrameDepacketizer(d::packet, d::malformedPackets);
            }
            case VP9 -> {
                Vp9Depacketizer d = new Vp9Depacketizer(listener);
                yield new FrameDepacketizer(d::packet, d::malformedPackets);
            }
            default -> {
                Av1Depacketizer d = new Av1Depacketizer(listener);
                yield new FrameDepacketizer(d::packet, d::malformedPackets);
            }
        };
    }

    /**
     * What viewers are told of the stream's video: the profile (always 0, the only one accepted), so a viewer is
     * answered on its payload type of that profile.
     */
    private static CodecParameters frameParameters(Codec codec) {
        if (codec == null) {
            return null;
        }
        return switch (codec) {
            case VP8 -> CodecParameters.vp8();
            case VP9 -> CodecParameters.of(Codec.VP9, 1, Map.of("profile-id", "0"));
            default -> CodecParameters.of(Codec.AV1, 1, Map.of("profile", "0"));
        };
    }

    /**
     * Malformed payload descriptors (truncated, inconsistent) drop their packet's frame like a loss; they are logged
     * at most once per 10 s per publisher with the count so far, so a broken or hostile sender cannot flood the log.
     */
    private void checkMalformed(long now) {
        long malformed = frames.malformedPackets();
        if (malformed > malformedLogged && now - malformedLogNanos >= 10_000_000_000L) {
            LOG.warn("Publisher {} of '{}': {} {} packet(s) with a malformed payload descriptor dropped so far",
                    id, streamName, malformed, frameCodec);
            malformedLogged = malformed;
            malformedLogNanos = now;
        }
    }

    /**
     * A VP8/VP9/AV1 frame, as {@link H264Ingest} treats access units: nothing before the first key frame or after a
     * damaged frame until the next (asked for), and the track (re)announced when a key frame brings a new picture
     * size (a key frame whose size could not be read keeps the track's).
     */
    private void frame(ByteBuffer frame, long ts, boolean damaged, boolean keyframe, int width, int height) {
        if (damaged || (!keyframe && framesWaitingForKeyframe)) {
            framesDropped++;
            framesWaitingForKeyframe = true;
            videoOut.keyframeNeeded();
            return;
        }
        if (keyframe) {
            framesWaitingForKeyframe = false;
            boolean sized = width > 0 && height > 0;
            if (videoTrack == null || (sized && (videoTrack.width() != width || videoTrack.height() != height))) {
                videoOut.track(Track.video(frameParameters, width, height, 0));
            }
        }
        videoOut.unit(new EncodedUnit(Track.VIDEO, frameCodec, videoClock.micros(ts, arrivalNanos),
                System.currentTimeMillis(), keyframe, List.of(frame), arrivalNanos));
    }

    private void audio(int offset, int length, long now) {
        if (!announced && videoFormat != null) {
            return; // audio waits for the video track, so the stream announces both at once
        }
        announce();
        ByteBuffer copy = ByteBuffer.allocate(length);
        copy.put(in, offset, length).flip();
        sink.push(new EncodedUnit(Track.AUDIO, Codec.OPUS, audioClock.micros(header.timestamp(), now),
                System.currentTimeMillis(), true, List.of(copy), now));
    }

    private void announce() {
        if (announced) {
            return;
        }
        tracks.clear();
        if (videoTrack != null) {
            tracks.add(videoTrack);
        }
        if (audioFormat != null) {
            tracks.add(Track.audio(CodecParameters.opus("1".equals(audioFormat.fmtp("stereo")))));
        }
        sink.tracks(List.copyOf(tracks));
        announced = true;
        LOG.info("Publisher {} of '{}': tracks {}", id, streamName, tracks);
    }

    // ---- feedback (timer thread) ----------------------------------------------------------------------------------

    void tick() {
        tick(System.nanoTime());
    }

    void tick(long now) {
        try {
            synchronized (receiveLock) {
                if (outbound == null || closed.get()) {
                    return;
                }
                reorder.flush(now);
                int len = 0;
                if (videoSsrc != 0) {
                    int n = nacks.due(now, 30_000_000L, nackList);
                    len += RtcpWriter.writeNack(out, len, localSsrc, videoSsrc, nackList, n);
                    if (nacks.takeKeyframeNeeded()) {
                        keyframeWanted = true;
                    }
                    if (keyframeRefreshNanos > 0 && lastKeyframeNanos != 0
                            && now - lastKeyframeNanos >= keyframeRefreshNanos
                            && now - lastPliNanos >= keyframeRefreshNanos) {
                        keyframeWanted = true; // the GOP grew past the stream's limit
                    }
                    if (keyframeWanted && now - lastPliNanos >= PLI_INTERVAL_NANOS) {
                        keyframeWanted = false;
                        lastPliNanos = now;
                        plis++;
                        len += RtcpWriter.writePli(out, len, localSsrc, videoSsrc);
                    }
                }
                if (now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
                    bitrateBps = lastReportNanos == 0 ? 0
                            : (bytes - bytesAtReport) * 8 * 1_000_000_000L / (now - lastReportNanos);
                    bytesAtReport = bytes;
                    lastReportNanos = now;
                    len += report(len);
                }
                if (len > 0) {
                    send(len);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Publisher {} of '{}': feedback failed", id, streamName, e);
        }
    }

    /** A receiver report about the video (the first RTCP of a compound must be a report) and a REMB. */
    private int report(int off) {
        long media = videoSsrc != 0 ? videoSsrc : audioSsrc;
        if (media == 0) {
            return 0;
        }
        int len = RtcpWriter.writeReceiverReport(out, off, localSsrc, media, 0, 0, 0, 0, 0, 0);
        long[] ssrcs = videoSsrc != 0 && audioSsrc != 0 ? new long[] {videoSsrc, audioSsrc} : new long[] {media};
        len += RtcpWriter.writeRemb(out, off + len, localSsrc, REMB_BPS, ssrcs);
        return len;
    }

    private void send(int len) {
        try {
            int protectedLength = outbound.protectRtcp(out, 0, len);
            outView.clear().limit(protectedLength);
            path.send(outView);
        } catch (SrtpException e) {
            LOG.debug("Publisher {}: SRTCP protect failed", id, e);
        }
    }

    // ---- PublishedStreams.Publisher -----------------------------------------------------------------------------

    @Override
    public void requestKeyframe() {
        keyframeWanted = true;
        ScheduledExecutorService t = timer;
        if (t != null) {
            try {
                t.execute(this::tick); // the PLI now, not at the next tick: a joining viewer waits for it
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    @Override
    public long lastMediaNanos() {
        return lastMediaNanos;
    }

    @Override
    public void end(String reason) {
        close(reason, false);
    }

    /** The session's measurements for listings; any thread (counters may be a tick apart). */
    public PublisherStats stats() {
        synchronized (receiveLock) {
            return new PublisherStats(id, streamName, remoteAddress, createdMillis, state,
                    videoFormat == null ? null : videoFormat.encodingName(),
                    audioFormat == null ? null : audioFormat.encodingName(), bitrateBps, packets, bytes,
                    reorder.skipped(), nacks.requested(), plis);
        }
    }

    // ---- ICE and DTLS -------------------------------------------------------------------------------------------

    @Override
    public void onDtls(IceSession session, ByteBuffer datagram) {
        DtlsSession d = dtls;
        if (d != null) {
            d.onDatagram(datagram);
        }
    }

    @Override
    public void onConsentExpired(IceSession session) {
        close("consent expired", true);
    }

    @Override
    public void onHandshakeComplete(DtlsSession session, DtlsSrtpKeys keys) {
        SrtpSession srtp = SrtpSession.fromDtlsKeyingMaterial(keys.profile(), keys.keyingMaterial(),
                SrtpSession.Role.SERVER);
        synchronized (receiveLock) {
            inbound = srtp.inbound();
            outbound = srtp.outbound();
        }
        state = "connected";
        LOG.info("Publisher {} of '{}' connected ({}) from {}", id, streamName, keys.profile(), remoteAddress);
    }

    @Override
    public void onHandshakeFailed(DtlsSession session, Exception cause) {
        close("DTLS handshake failed: " + cause.getMessage(), true);
    }

    @Override
    public void onClosed(DtlsSession session) {
        close("publisher closed DTLS", true);
    }

    // ---- PublisherSession ---------------------------------------------------------------------------------------

    @Override
    public String id() {
        return id;
    }

    @Override
    public String streamName() {
        return streamName;
    }

    @Override
    public String answerSdp() {
        return answerSdp;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public void addRemoteCandidates(String sdpFragment) {
        parse(sdpFragment); // ICE-lite: addresses are learnt from the publisher's checks; candidates only validated
    }

    @Override
    public String restartIce(String sdpFragment) {
        TrickleIceFragment fragment = parse(sdpFragment);
        if (fragment.iceUfrag() == null || fragment.icePwd() == null) {
            throw new IllegalArgumentException("ICE restart needs ice-ufrag and ice-pwd");
        }
        return host.restartIce(ice);
    }

    private static TrickleIceFragment parse(String sdpFragment) {
        try {
            return TrickleIceFragment.parse(sdpFragment);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public void onClosed(Runnable listener) {
        closeListeners.add(listener);
        if (closed.get()) {
            listener.run();
        }
    }

    @Override
    public void close() {
        close("deleted by the publisher", true);
    }

    /** Ends the session from the admin API: the stream waits for the publisher as after its DELETE. */
    public void endByOperator() {
        close("ended by an operator", true);
    }

    /** Ends the session; {@code detach}: the stream is told its publisher left (not when the stream ended it). */
    private void close(String reason, boolean detach) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state = "closed: " + reason;
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
        DtlsSession d = dtls;
        if (d != null) {
            d.close();
        }
        host.closed(this, ice);
        if (detach) {
            slot.detach(this, reason);
        }
        for (Runnable r : closeListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Close listener of publisher {} failed", id, e);
            }
        }
        synchronized (receiveLock) {
            LOG.info("Publisher {} of '{}' closed ({}): {} packets, {} units, {} reordered late, {} lost after "
                    + "waiting, {} NACKed, {} recovered, {} PLIs, {} undecryptable, {} video units dropped", id,
                    streamName, reason, packets, units, reorder.late(), reorder.skipped(), nacks.requested(),
                    nacks.recovered(), plis, undecryptable, video.dropped() + framesDropped);
        }
    }

    /** One track's RTP clock: timestamps unwrapped and anchored at the arrival of the track's first packet. */
    private static final class Clock {
        private final int rate;
        private long last = -1;
        private long unwrapped;
        private long anchorMicros;
        private long firstTs;

        Clock(int rate) {
            this.rate = rate;
        }

        long micros(long timestamp, long arrivalNanos) {
            if (last < 0) {
                unwrapped = timestamp;
                firstTs = timestamp;
                anchorMicros = arrivalNanos / 1000;
            } else {
                unwrapped += (int) (timestamp - last); // signed 32-bit difference
            }
            last = timestamp;
            return anchorMicros + (unwrapped - firstTs) * 1_000_000L / rate;
        }
    }
}
