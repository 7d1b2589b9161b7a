package io.sightline.sfu.internal.publish;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.MediaSink;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.PublisherSession;
import io.sightline.api.transport.PublisherStats;
import io.sightline.rtp.rtcp.RtcpWriter;
import io.sightline.rtp.rtp.RtpHeader;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WHIP publisher: the reverse of a viewer session on the same ICE-lite / DTLS / SRTP stack. RTP arrives on the
 * ICE receive thread, is decrypted, put back in order in a small reorder window per video RTP stream and depacketized
 * into access units that go into the stream's sink as a capture source's would ({@link PublishedLayer}).
 *
 * <p>A simulcast publisher (decision 0048) sends one RTP stream per layer, told apart by the RTP stream id header
 * extension on their first packets and by SSRC after that. The stream's own video is the top layer that is live; every
 * layer is also pushed as a rung of the stream ({@link MediaSink#push(Rendition, Track, EncodedUnit)}), and a layer that
 * stops (a browser drops its upper layers when its bandwidth estimate falls) is replaced in its rung by the nearest
 * live layer, from that layer's next keyframe on, so nobody watching it is left without pictures. Losses are NACKed, the stream's keyframe
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
        DtlsListener, PublishedLayer.Output {
    private static final Logger LOG = LoggerFactory.getLogger(SfuPublisherSession.class);
    static final long TICK_MS = 10;
    /** A gap may hold later packets this long: a few retransmission round trips on a fair link. */
    static final long REORDER_HOLD_NANOS = 80_000_000L;
    static final long PLI_INTERVAL_NANOS = 300_000_000L;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** A layer without a packet for this long has stopped: its rung is fed from another layer. */
    static final long LAYER_SILENCE_NANOS = 1_000_000_000L;
    /** What the REMB allows the publisher: ample for 1080p, far below what a LAN carries. */
    static final long REMB_BPS = 6_000_000L;
    private static final int BUFFER = 1600;

    /** What the session needs from the transport that made it. */
    public interface Host {
        String restartIce(IceSession session);

        void closed(SfuPublisherSession session, IceSession iceSession);
    }

    /** One output fed from a layer: the stream's own video ({@code own} -1: the top live layer) or a layer's rung. */
    private static final class Route {
        final int own;
        int feeding = -1;
        int pending = -1;

        Route(int own) {
            this.own = own;
        }
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
    private final byte[] ridBuffer = new byte[256];
    private final RtpHeader header = new RtpHeader();
    /** The video RTP streams: one, or one per simulcast layer in the offer's order. */
    private final PublishedLayer[] layers;
    private final boolean simulcast;
    /** The RTP stream id extension's id, 0 without simulcast. */
    private final int ridExtension;
    private final Route main = new Route(-1);
    private final Route[] layerRoutes;
    /** What each layer was last announced as (null: not yet), and whether with a measured bitrate. */
    private final Rendition[] announcedLayers;
    private final int[] measuredReports;
    private final RtpClock audioClock = new RtpClock(48_000);
    private final List<Track> tracks = new ArrayList<>(2);
    private volatile String answerSdp;
    private volatile IceSession ice;
    /** Where RTCP goes: the ICE session's selected path; non-blocking. */
    private volatile PacketSender path = packet -> false;
    private volatile DtlsSession dtls;
    private volatile String state = "new";
    /** System.nanoTime() of the last media packet; 0 before the first (read by the stream's silence check). */
    private volatile long lastMediaNanos;
    private final long keyframeRefreshNanos;
    private volatile ScheduledExecutorService timer;
    private ScheduledFuture<?> ticker;
    private SrtpContext inbound;
    private SrtpContext outbound;
    private long audioSsrc;
    private long lastReportNanos;
    private boolean announced;
    private boolean layersCleared;
    private Track videoTrack;
    private long packets;
    private long undecryptable;
    private long unassigned;
    private long lastUnassignedLogNanos = Long.MIN_VALUE / 4;
    private long malformedLogNanos = Long.MIN_VALUE / 4;
    private long malformedLogged;
    private long bytes;
    private long bytesAtReport;
    private volatile long bitrateBps;
    private final long createdMillis = System.currentTimeMillis();

    public SfuPublisherSession(String id, String streamName, String remoteAddress, Host host, PublishedStreams.Slot slot,
            RtpFormat videoFormat, RtpFormat audioFormat, long localSsrc) {
        this(id, streamName, remoteAddress, host, slot, videoFormat, audioFormat, null, localSsrc);
    }

    /** @param simulcastLayers the layers the answer accepted, or null for a publisher without simulcast */
    public SfuPublisherSession(String id, String streamName, String remoteAddress, Host host, PublishedStreams.Slot slot,
            RtpFormat videoFormat, RtpFormat audioFormat, PublisherNegotiation.Layers simulcastLayers,
            long localSsrc) {
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
        Codec codec = videoFormat == null ? Codec.H264 : Codec.fromRtpName(videoFormat.encodingName());
        this.simulcast = simulcastLayers != null;
        List<String> rids = simulcast ? simulcastLayers.rids() : java.util.Collections.singletonList(null);
        this.ridExtension = simulcast ? simulcastLayers.ridExtension() : 0;
        this.layers = new PublishedLayer[rids.size()];
        this.layerRoutes = new Route[simulcast ? rids.size() : 0];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new PublishedLayer(rids.get(i), codec, BUFFER, REORDER_HOLD_NANOS, this);
            if (simulcast) {
                layerRoutes[i] = new Route(i);
            }
        }
        this.announcedLayers = new Rendition[layers.length];
        this.measuredReports = new int[layers.length];
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
                PublishedLayer layer = layerOf(now);
                if (layer != null) {
                    layer.packet(in, offset, payload, header.sequenceNumber(), header.timestamp(), header.marker(),
                            len, now);
                    checkMalformed(layer, now);
                }
            } else if (audioFormat != null && pt == audioFormat.payloadType()) {
                audioSsrc = header.ssrc();
                audio(offset, payload, now);
            }
        }
    }

    /**
     * Malformed payload descriptors (truncated, inconsistent) drop their packet's frame like a loss; they are logged
     * at most once per 10 s per publisher with the count so far, so a broken or hostile sender cannot flood the log.
     */
    private void checkMalformed(PublishedLayer layer, long now) {
        if (layer.malformed() == 0 || now - malformedLogNanos < 10_000_000_000L) {
            return;
        }
        long malformed = 0;
        for (PublishedLayer l : layers) {
            malformed += l.malformed();
        }
        if (malformed > malformedLogged) {
            LOG.warn("Publisher {} of '{}': {} {} packet(s) with a malformed payload descriptor dropped so far",
                    id, streamName, malformed, layer.codec());
            malformedLogged = malformed;
            malformedLogNanos = now;
        }
    }

    /**
     * The layer a video packet belongs to: by its RTP stream id extension when it carries one (a sender puts it on
     * the first packets of each layer, and again after an SSRC change), else by the SSRC learnt from it. Packets of no
     * known layer are dropped and counted, with a log line at most every 10 s.
     */
    private PublishedLayer layerOf(long now) {
        long ssrc = header.ssrc();
        if (!simulcast) {
            PublishedLayer only = layers[0];
            if (only.ssrc() != ssrc) {
                only.bind(ssrc);
            }
            return only;
        }
        int ridLength = header.extensionLength(ridExtension);
        if (ridLength > 0 && ridLength <= ridBuffer.length) {
            header.extension(ridExtension, ridBuffer, 0);
            for (PublishedLayer layer : layers) {
                if (layer.named(ridBuffer, ridLength)) {
                    if (layer.ssrc() != ssrc) {
                        LOG.info("Publisher {} of '{}': {} is SSRC {}", id, streamName, layer, ssrc);
                        layer.bind(ssrc);
                    }
                    return layer;
                }
            }
            return unassigned(now, "an RTP stream id the answer did not accept");
        }
        for (PublishedLayer layer : layers) {
            if (layer.ssrc() == ssrc) {
                return layer;
            }
        }
        return unassigned(now, "an SSRC no RTP stream id named yet");
    }

    private PublishedLayer unassigned(long now, String why) {
        unassigned++;
        if (now - lastUnassignedLogNanos >= 10_000_000_000L) {
            lastUnassignedLogNanos = now;
            LOG.warn("Publisher {} of '{}': video packet of SSRC {} dropped, {} ({} so far)", id, streamName,
                    header.ssrc(), why, unassigned);
        }
        return null;
    }

    // ---- PublishedLayer.Output (under receiveLock) ----------------------------------------------------------------

    @Override
    public void track(PublishedLayer layer, Track track) {
        if (simulcast) {
            announceLayers(); // the stream's own track follows in unit(), from the layer that feeds it
        } else {
            videoTrack = track;
            announced = false;
        }
    }

    @Override
    public void unit(PublishedLayer layer, EncodedUnit unit) {
        if (!simulcast) {
            announce();
            sink.push(unit);
            return;
        }
        int i = indexOf(layer);
        if (unit.keyframe()) {
            select(unit.arrivalNanos() == 0 ? System.nanoTime() : unit.arrivalNanos(), i);
        }
        if (passes(main, i, unit)) {
            if (videoTrack != layer.track()) {
                videoTrack = layer.track();
                announced = false;
            }
            announce();
            sink.push(unit);
        }
        for (Route r : layerRoutes) {
            Rendition rung = announcedLayers[r.own];
            if (passes(r, i, unit) && rung != null) {
                sink.push(rung, layer.track(), unit);
            }
        }
    }

    /** Whether {@code unit} of layer {@code i} goes to {@code route}; a switch to a new layer happens at its keyframe. */
    private static boolean passes(Route route, int i, EncodedUnit unit) {
        if (route.pending == i && unit.keyframe()) {
            route.feeding = i;
            route.pending = -1;
        }
        return route.feeding == i;
    }

    private int indexOf(PublishedLayer layer) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == layer) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Picks the layer each output should come from: the stream's own video from the largest live layer, each rung
     * from its own layer while it is live, else from the nearest live one (smaller first). A change waits for the new
     * layer's keyframe, asked for unless {@code arriving} (the layer whose keyframe is being handled) is that layer.
     */
    private void select(long now, int arriving) {
        if (!simulcast) {
            return;
        }
        retarget(main, top(now), arriving);
        for (Route r : layerRoutes) {
            retarget(r, layers[r.own].live(now, LAYER_SILENCE_NANOS) ? r.own : nearest(r.own, now), arriving);
        }
    }

    private void retarget(Route r, int want, int arriving) {
        if (want < 0 || want == r.feeding) {
            r.pending = -1;
            return;
        }
        if (r.pending != want) {
            r.pending = want;
            if (r.feeding >= 0) {
                LOG.info("Publisher {} of '{}': {} now from {} ({} stopped or a larger layer came)", id, streamName,
                        r.own < 0 ? "the stream's video" : "the rung of " + layers[r.own], layers[want],
                        layers[r.feeding]);
            }
            if (want != arriving) {
                layers[want].wantKeyframe();
            }
        }
    }

    /** The live layer with the largest pictures, -1 if none. */
    private int top(long now) {
        int best = -1;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i].live(now, LAYER_SILENCE_NANOS) && (best < 0 || layers[i].pixels() > layers[best].pixels())) {
                best = i;
            }
        }
        return best;
    }

    /** The live layer nearest below layer {@code own}'s size, else the smallest live one above it; -1 if none. */
    private int nearest(int own, long now) {
        int size = layers[own].pixels();
        int below = -1;
        int above = -1;
        for (int i = 0; i < layers.length; i++) {
            if (i == own || !layers[i].live(now, LAYER_SILENCE_NANOS)) {
                continue;
            }
            int p = layers[i].pixels();
            if (p <= size && (below < 0 || p > layers[below].pixels())) {
                below = i;
            } else if (p > size && (above < 0 || p < layers[above].pixels())) {
                above = i;
            }
        }
        return below >= 0 ? below : above;
    }

    /**
     * Tells the stream which layers there are, top first, when a layer got its first picture size or a new one, its
     * first measured bitrate, or (checked every 5 s) a bitrate a quarter away from the one announced: a browser ramps
     * its layers up over seconds, and the rate policy of viewers joining later should see what is sent now. Each is
     * a rung named by its rid with its size and bitrate: a nominal one from its size until it has been measured for
     * two report intervals, then the busiest second of the last five (keyframes included: a rung chosen on the mean
     * would fit a link only between keyframes).
     */
    private void announceLayers() {
        boolean changed = false;
        Codec codec = Codec.fromRtpName(videoFormat.encodingName());
        for (int i = 0; i < layers.length; i++) {
            Track t = layers[i].track();
            if (t == null) {
                continue;
            }
            int kbps = measuredReports[i] >= 2 && layers[i].peakBps() > 0
                    ? (int) Math.max(10, layers[i].peakBps() / 1000) : nominalKbps(t.width(), t.height());
            Rendition before = announcedLayers[i];
            if (before == null || before.width() != t.width() || before.height() != t.height()
                    || (measuredReports[i] == 2 && before.bitrateKbps() != kbps)
                    || (measuredReports[i] > 2 && Math.abs(kbps - before.bitrateKbps()) > before.bitrateKbps() / 4
                            && measuredReports[i] % 5 == 0)) {
                announcedLayers[i] = Rendition.layer(layers[i].rid(), codec, Math.max(16, t.width()),
                        Math.max(16, t.height()), kbps);
                changed = true;
            }
        }
        if (!changed) {
            return;
        }
        List<Rendition> all = new ArrayList<>();
        for (Rendition r : announcedLayers) {
            if (r != null) {
                all.add(r);
            }
        }
        all.sort((a, b) -> Integer.compare(b.width() * b.height(), a.width() * a.height()));
        sink.layers(List.copyOf(all));
    }

    /** What a browser's encoder spends on a picture size at 30 fps (~0.06 bit per pixel), until it is measured. */
    static int nominalKbps(int width, int height) {
        return (int) Math.max(30, (long) width * height * 30 * 6 / 100 / 1000);
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
        if (!simulcast && !layersCleared) {
            layersCleared = true;
            sink.layers(List.of()); // a publisher before this one may have sent layers: they are gone
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
                select(now, -1);
                int len = 0;
                for (PublishedLayer layer : layers) {
                    len += layer.feedback(out, len, localSsrc, nackList, now, PLI_INTERVAL_NANOS,
                            keyframeRefreshNanos);
                }
                if (now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
                    bitrateBps = lastReportNanos == 0 ? 0
                            : (bytes - bytesAtReport) * 8 * 1_000_000_000L / (now - lastReportNanos);
                    bytesAtReport = bytes;
                    lastReportNanos = now;
                    measureLayers(now);
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

    private void measureLayers(long now) {
        for (int i = 0; i < layers.length; i++) {
            layers[i].measure(now);
            if (layers[i].track() != null) {
                measuredReports[i]++; // a report a second: 68 years before it wraps
            }
        }
        if (simulcast) {
            announceLayers();
        }
    }

    /**
     * A receiver report for each video RTP stream (the first RTCP of a compound must be a report; a simulcast sender
     * keeps naming a layer in its header extensions until a report acknowledges its SSRC) and a REMB.
     */
    private int report(int off) {
        int len = 0;
        long[] ssrcs = new long[layers.length + 1];
        int n = 0;
        for (PublishedLayer layer : layers) {
            if (layer.ssrc() != 0) {
                len += RtcpWriter.writeReceiverReport(out, off + len, localSsrc, layer.ssrc(), 0, 0, 0, 0, 0, 0);
                ssrcs[n++] = layer.ssrc();
            }
        }
        if (audioSsrc != 0) {
            if (n == 0) {
                len += RtcpWriter.writeReceiverReport(out, off + len, localSsrc, audioSsrc, 0, 0, 0, 0, 0, 0);
            }
            ssrcs[n++] = audioSsrc;
        }
        if (n == 0) {
            return 0;
        }
        len += RtcpWriter.writeRemb(out, off + len, localSsrc, REMB_BPS, java.util.Arrays.copyOf(ssrcs, n));
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
        synchronized (receiveLock) {
            layers[main.pending >= 0 ? main.pending : Math.max(0, main.feeding)].wantKeyframe();
        }
        tickNow();
    }

    @Override
    public void requestKeyframe(Rendition layer) {
        synchronized (receiveLock) {
            for (Route r : layerRoutes) {
                Rendition rung = announcedLayers[r.own];
                if (rung != null && rung.sameRung(layer)) {
                    layers[r.pending >= 0 ? r.pending : r.feeding >= 0 ? r.feeding : r.own].wantKeyframe();
                }
            }
        }
        tickNow();
    }

    private void tickNow() {
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
            long lost = 0;
            long nacked = 0;
            long plis = 0;
            for (PublishedLayer layer : layers) {
                lost += layer.skipped();
                nacked += layer.nacked();
                plis += layer.plis();
            }
            return new PublisherStats(id, streamName, remoteAddress, createdMillis, state,
                    videoFormat == null ? null : videoFormat.encodingName(),
                    audioFormat == null ? null : audioFormat.encodingName(), bitrateBps, packets, bytes,
                    lost, nacked, plis);
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
            for (PublishedLayer l : layers) {
                LOG.info("Publisher {} of '{}' closed ({}): {}: {} packets, {} units, {} reordered late, {} lost "
                        + "after waiting, {} NACKed, {} recovered, {} PLIs, {} units dropped", id, streamName, reason,
                        l, l.packets(), l.units(), l.late(), l.skipped(), l.nacked(), l.recovered(), l.plis(),
                        l.dropped());
            }
            LOG.info("Publisher {} of '{}': {} packets in all, {} undecryptable, {} of no known layer", id,
                    streamName, packets, undecryptable, unassigned);
        }
    }
}
