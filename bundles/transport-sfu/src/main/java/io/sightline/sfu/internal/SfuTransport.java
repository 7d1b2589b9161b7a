package io.sightline.sfu.internal;

import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.PublishTransport;
import io.sightline.api.transport.PublisherDirectory;
import io.sightline.api.transport.PublisherSession;
import io.sightline.api.transport.PublisherStats;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import io.sightline.api.transport.TransportStrategy;
import io.sightline.api.transport.ViewerSession;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.SessionDescription;
import io.sightline.sfu.internal.dtls.DtlsServer;
import io.sightline.sfu.internal.dtls.DtlsSession;
import io.sightline.sfu.internal.ice.IceServer;
import io.sightline.sfu.internal.ice.IceServerConfig;
import io.sightline.sfu.internal.ice.IceSession;
import io.sightline.sfu.internal.ice.InterfaceAllowList;
import io.sightline.sfu.internal.publish.PublishedStreams;
import io.sightline.sfu.internal.publish.PublisherNegotiation;
import io.sightline.sfu.internal.publish.SfuPublisherSession;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFU transport ({@code transport.mode=sfu}): answers WHEP offers with ICE-lite candidates on one shared UDP
 * port, runs DTLS-SRTP per viewer, and feeds every viewer of a stream from one {@link StreamFanout}. It also takes
 * WHIP publishers into streams with {@code source.type = whip} on the same port and DTLS server
 * ({@link SfuPublisherSession}, docs/decisions/0038-whip-in-the-sfu.md).
 */
@Component(property = TransportStrategy.TRANSPORT_MODE + "=sfu", configurationPid = SfuTransport.PID)
@Designate(ocd = SfuConfiguration.class)
public final class SfuTransport implements TransportStrategy, PublishTransport, PublisherDirectory {
    static final String PID = "io.sightline.transport.sfu";
    private static final Logger LOG = LoggerFactory.getLogger(SfuTransport.class);
    /** A stream's own playout delay, overriding the SFU's ({@code etc/io.sightline.stream-<name>.cfg}). */
    static final String PLAYOUT_DELAY = "playout.delay";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ViewerNegotiation negotiation = new ViewerNegotiation(RANDOM);
    private final Map<String, StreamFanout> fanouts = new ConcurrentHashMap<>();
    private final Map<String, SfuViewerSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile SfuConfiguration config;
    private volatile ViewerStart viewerStart = ViewerStart.GOP_BURST;
    private volatile PlayoutDelay playoutDelay = PlayoutDelay.parse(PlayoutDelay.DEFAULT_KEY);
    private final Set<String> warnedPlayoutDelays = ConcurrentHashMap.newKeySet();
    private final PublisherNegotiation publisherNegotiation = new PublisherNegotiation(RANDOM);
    private final Map<String, SfuPublisherSession> publishers = new ConcurrentHashMap<>();
    private IceServer ice;
    private DtlsServer dtls;
    /** Paces the viewers' probe clusters (decision 0044). */
    private ProbePacer probes;
    /** The waiting whip streams (this bundle's capture plugin). */
    @Reference
    private PublishedStreams published;

    @Activate
    void activate(SfuConfiguration configuration) throws IOException {
        this.config = configuration;
        this.viewerStart = setting("viewer.start", configuration.viewer_start(), ViewerStart::parse, "gop-burst");
        this.playoutDelay = setting("playout.delay", configuration.playout_delay(), PlayoutDelay::parse,
                PlayoutDelay.DEFAULT_KEY);
        InetAddress bind = MediaBindAddress.resolve(configuration.bind_address(),
                System.getenv(MediaBindAddress.ENVIRONMENT));
        InetAddress pub = configuration.public_address().isBlank() ? null
                : InetAddress.getByName(configuration.public_address().trim());
        ice = IceServer.start(new IceServerConfig(bind, configuration.udp_port(), configuration.tcp_port(),
                Duration.ofSeconds(configuration.consent_timeout_seconds()), interfaces(configuration),
                configuration.include_loopback(), pub, 256));
        // A handshake holds its worker while it waits for the peer's flights (a few ms to an RTT each): 8 workers
        // keep viewers arriving together from queueing behind each other (2 gave a p95 tail at 20 joins/s).
        dtls = new DtlsServer(8, Duration.ofSeconds(10));
        probes = new ProbePacer();
        // viewer.start first: the log layout cuts long lines, and the candidate list is long.
        LOG.info("SFU viewer.start={} playout.delay={}; media on UDP {}{}; candidates {}", viewerStart.key(),
                playoutDelay.key(), ice.udpAddress(),
                ice.tcpAddress() == null ? "" : " and TCP " + ice.tcpAddress(),
                ice.candidates().stream().map(IceCandidate::toSdp).toList());
        if (ice.candidates().isEmpty()) {
            LOG.warn("SFU offers no candidate: no address of this host fits bind.address / ice.interfaces; "
                    + "viewers cannot connect");
        }
    }

    /**
     * A changed file: the settings read per session (viewer.start, playout.delay, max.sessions, track.wait.ms) apply
     * from the next session on, without touching the running ones. Without this method Declarative Services would
     * deactivate the SFU and end every session. The media sockets and ICE agent stay as they are: a change of their
     * settings is logged as waiting for a restart.
     */
    @Modified
    void modified(SfuConfiguration configuration) {
        List<String> waiting = new ArrayList<>();
        SfuConfiguration running = config;
        if (running.udp_port() != configuration.udp_port()) {
            waiting.add("udp.port");
        }
        if (running.tcp_port() != configuration.tcp_port()) {
            waiting.add("tcp.port");
        }
        if (!running.bind_address().equals(configuration.bind_address())) {
            waiting.add("bind.address");
        }
        if (!Arrays.equals(running.ice_interfaces(), configuration.ice_interfaces())
                || !Arrays.equals(running.interfaces(), configuration.interfaces())) {
            waiting.add("ice.interfaces");
        }
        if (running.include_loopback() != configuration.include_loopback()) {
            waiting.add("include.loopback");
        }
        if (!running.public_address().equals(configuration.public_address())) {
            waiting.add("public.address");
        }
        if (running.consent_timeout_seconds() != configuration.consent_timeout_seconds()) {
            waiting.add("consent.timeout.seconds");
        }
        ViewerStart start = setting("viewer.start", configuration.viewer_start(), ViewerStart::parse, "gop-burst");
        PlayoutDelay delay = setting("playout.delay", configuration.playout_delay(), PlayoutDelay::parse,
                PlayoutDelay.DEFAULT_KEY);
        this.viewerStart = start;
        this.playoutDelay = delay;
        this.config = configuration;
        LOG.info("SFU settings changed: viewer.start={} playout.delay={} max.sessions={} track.wait.ms={} apply to "
                + "new sessions; {} running sessions keep theirs", start.key(), delay.key(), configuration.max_sessions(),
                configuration.track_wait_ms(), sessions.size());
        if (!waiting.isEmpty()) {
            LOG.warn("SFU settings {} changed in etc/{}.cfg: they take effect after a restart of the SFU "
                    + "(bundle:restart sightline-transport-sfu, which ends the sessions) or of Sightline; until then "
                    + "the media sockets keep the running values", waiting, PID);
        }
    }

    @Deactivate
    void deactivate() {
        new ArrayList<>(publishers.values()).forEach(SfuPublisherSession::close);
        new ArrayList<>(sessions.values()).forEach(SfuViewerSession::close);
        fanouts.values().forEach(StreamFanout::close);
        fanouts.clear();
        if (dtls != null) {
            dtls.close();
        }
        if (probes != null) {
            probes.close();
        }
        if (ice != null) {
            ice.close();
        }
    }

    @Override
    public ViewerSession open(Stream stream, SessionRequest request) throws TransportException {
        SessionDescription offer = ViewerNegotiation.parseOffer(request.offerSdp());
        if (sessions.size() + pending.get() >= config.max_sessions()) {
            throw new TransportException(Reason.AT_CAPACITY, "server at capacity (" + config.max_sessions()
                    + " sessions)");
        }
        pending.incrementAndGet();
        StreamFanout fanout = fanoutFor(stream, null);
        StreamFanout rendered = null;
        try {
            List<Track> tracks = awaitTracks(fanout, stream);
            Rendition fallback = CodecFallback.rendition(offer, tracks, stream.renditions());
            if (fallback == null) {
                return start(stream, request, offer, fanout, tracks);
            }
            // The offer lacks the stream's codec: the shared rendition in a codec it has (issue 14 point 4).
            rendered = renditionFanout(stream, fallback);
            return start(stream, request, offer, rendered, awaitTracks(rendered, stream));
        } finally {
            pending.decrementAndGet();
            releaseIfUnused(fanout);
            if (rendered != null) {
                releaseIfUnused(rendered);
            }
        }
    }

    private StreamFanout renditionFanout(Stream stream, Rendition rendition) throws TransportException {
        try {
            return fanoutFor(stream, rendition);
        } catch (IllegalArgumentException e) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "the offer lacks the codec of stream '"
                    + stream.name() + "' and its " + rendition.codec() + " rendition cannot run: " + e.getMessage());
        }
    }

    @Override
    public PublisherSession publish(Stream stream, SessionRequest request) throws TransportException {
        SessionDescription offer = ViewerNegotiation.parseOffer(request.offerSdp());
        PublishedStreams.Slot slot = published.slot(stream.name());
        if (slot == null) {
            throw new TransportException(Reason.PUBLISH_CONFLICT, "stream '" + stream.name() + "' does not take "
                    + "publishers now (source.type=" + stream.sourceType() + ", " + stream.status().state()
                    .name().toLowerCase() + ")");
        }
        if (sessions.size() + publishers.size() + pending.get() >= config.max_sessions()) {
            throw new TransportException(Reason.AT_CAPACITY, "server at capacity (" + config.max_sessions()
                    + " sessions)");
        }
        PublisherNegotiation.Answer answer = publisherNegotiation.answer(offer, ice.candidates(), dtls.fingerprint());
        long ssrc = (RANDOM.nextInt() & 0xffffffffL) | 1;
        SfuPublisherSession session = new SfuPublisherSession(randomHex(16), stream.name(), request.remoteAddress(),
                publisherHost, slot, answer.video(), answer.audio(), answer.layers(), ssrc);
        slot.attach(session); // refuses a second publisher before anything is allocated
        publishers.put(session.id(), session);
        IceSession iceSession = ice.register(answer.ufrag(), answer.pwd(), session);
        DtlsSession dtlsSession = dtls.newSession(answer.publisherFingerprint(), iceSession::send, session);
        session.attach(iceSession, dtlsSession, answer.answerSdp(), published.timer());
        return session;
    }

    @Override
    public List<PublisherStats> publishers() {
        return publishers.values().stream().map(SfuPublisherSession::stats).toList();
    }

    @Override
    public boolean close(String id) {
        SfuPublisherSession session = publishers.get(id);
        if (session == null) {
            return false;
        }
        session.endByOperator();
        return true;
    }

    /** Publishers currently connected or connecting, for tests. */
    int publisherCount() {
        return publishers.size();
    }

    private final SfuPublisherSession.Host publisherHost = new SfuPublisherSession.Host() {
        @Override
        public String restartIce(IceSession iceSession) {
            ViewerNegotiation.Restart restart = negotiation.restart(ice.candidates());
            ice.restart(iceSession, restart.ufrag(), restart.pwd());
            return restart.fragment();
        }

        @Override
        public void closed(SfuPublisherSession session, IceSession iceSession) {
            publishers.remove(session.id());
            if (iceSession != null) {
                ice.unregister(iceSession);
            }
        }
    };

    /**
     * The {@code ice.interfaces} allow-list (with the deprecated {@code interfaces} names); a malformed entry drops
     * the whole list with an error in the log, so the SFU still offers candidates (all addresses) rather than none.
     */
    static InterfaceAllowList interfaces(SfuConfiguration configuration) {
        List<String> entries = new ArrayList<>(List.of(configuration.ice_interfaces()));
        entries.addAll(List.of(configuration.interfaces()));
        try {
            return InterfaceAllowList.parse(entries);
        } catch (IllegalArgumentException e) {
            LOG.error("SFU setting ice.interfaces ignored, offering every interface's addresses: {}", e.getMessage());
            return InterfaceAllowList.ANY;
        }
    }

    /**
     * A tuning setting parsed, or its default with an error in the log: a typo in one option should not leave every
     * viewer without a transport.
     */
    static <T> T setting(String key, String value, Function<String, T> parse, String defaultValue) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            LOG.error("etc/io.sightline.transport.sfu.cfg: {}; using {} = {}", e.getMessage(), key, defaultValue);
            return parse.apply(defaultValue);
        }
    }

    /** The stream's own {@code playout.delay} if it sets a valid one, else the SFU's. */
    PlayoutDelay playoutDelayFor(Stream stream) {
        Object own = stream.properties().get(PLAYOUT_DELAY);
        if (own == null || own.toString().isBlank()) {
            return playoutDelay;
        }
        try {
            return PlayoutDelay.parse(own.toString());
        } catch (IllegalArgumentException e) {
            if (warnedPlayoutDelays.add(stream.name() + "=" + own)) {
                LOG.warn("Stream '{}': {}; using the SFU's playout.delay={}", stream.name(), e.getMessage(),
                        playoutDelay.key());
            }
            return playoutDelay;
        }
    }

    private StreamFanout fanoutFor(Stream stream, Rendition rendition) {
        return fanouts.computeIfAbsent(StreamFanout.key(stream.name(), rendition), n -> {
            StreamFanout f = new StreamFanout(stream, rendition, viewerStart);
            f.start();
            return f;
        });
    }

    private List<Track> awaitTracks(StreamFanout fanout, Stream stream) throws TransportException {
        try {
            StreamState state = stream.status().state();
            long wait = state == StreamState.FAILED ? 0 : config.track_wait_ms();
            List<Track> tracks = fanout.awaitTracks(wait);
            if (tracks.isEmpty()) {
                throw new TransportException(Reason.STREAM_NOT_LIVE, "stream '" + stream.name() + "' is "
                        + stream.status().state().name().toLowerCase()
                        + (stream.status().detail().isEmpty() ? "" : ": " + stream.status().detail()));
            }
            return tracks;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Reason.AT_CAPACITY, "interrupted");
        }
    }

    private ViewerSession start(Stream stream, SessionRequest request, SessionDescription offer,
            StreamFanout fanout, List<Track> tracks) throws TransportException {
        ViewerNegotiation.Answer answer = negotiation.answer(offer, stream.name(), tracks, dtls.fingerprint(),
                ice.candidates());
        String id = randomHex(16);
        SfuViewerSession session = new SfuViewerSession(id, stream.name(), request.remoteAddress(), this, fanout,
                answer.tracks(), answer.cname(), playoutDelayFor(stream));
        IceSession iceSession = ice.register(answer.ufrag(), answer.pwd(), session);
        DtlsSession dtlsSession = dtls.newSession(answer.viewerFingerprint(), iceSession::send, session);
        session.attach(iceSession, dtlsSession, answer.answerSdp());
        session.adaptation(adaptation(stream, session, fanout, tracks));
        sessions.put(id, session);
        fanout.viewerSessions(sessionsOf(fanout));
        return session;
    }

    /** ICE restart: new server credentials for an existing session; media continues on the same DTLS/SRTP. */
    String restartIce(SfuViewerSession session, IceSession iceSession) {
        ViewerNegotiation.Restart restart = negotiation.restart(ice.candidates());
        ice.restart(iceSession, restart.ufrag(), restart.pwd());
        return restart.fragment();
    }

    void sessionClosed(SfuViewerSession session, IceSession iceSession) {
        sessions.remove(session.id());
        if (iceSession != null) {
            ice.unregister(iceSession);
        }
        StreamFanout f = session.fanout();
        f.viewerSessions(sessionsOf(f));
        releaseIfUnused(f);
        StreamFanout next = session.nextFanout();
        if (next != null) {
            releaseIfUnused(next);
        }
    }

    private int sessionsOf(StreamFanout fanout) {
        return (int) sessions.values().stream().filter(s -> s.fanout() == fanout).count();
    }

    /** In use: a viewer is sent from it, or is moving to it. */
    private boolean used(StreamFanout fanout) {
        return sessions.values().stream().anyMatch(s -> s.fanout() == fanout || s.nextFanout() == fanout);
    }

    /**
     * The rungs a new viewer can move between (decision 0039): a viewer of the stream's own media has the stream
     * itself on top and the lower rungs of the ladder in the stream's codec below; a viewer of a rendition (codec
     * fallback) the whole ladder in its codec. None with fewer than two rungs or adaptation off, and none for a
     * viewer of a stream whose own codec has no rungs (VP9, AV1: renditions are H.264 or VP8, and a move keeps the
     * viewer's one RTP stream and payload type, decision 0049).
     */
    private ViewerAdaptation adaptation(Stream stream, SfuViewerSession session, StreamFanout fanout,
            List<Track> tracks) {
        List<Rendition> ladder = stream.renditions();
        if (ladder.size() < 2) {
            return null;
        }
        Rendition own = fanout.rendition();
        boolean rungsInOwnCodec = tracks.stream().filter(t -> t.kind() == MediaKind.VIDEO)
                .allMatch(t -> t.parameters().codec() == ladder.get(0).codec());
        if (own == null && !rungsInOwnCodec) {
            return null;
        }
        List<Rendition> rungs = new ArrayList<>();
        int[] kbps = new int[ladder.size()];
        for (int i = 0; i < ladder.size(); i++) {
            Rendition r = ladder.get(i);
            rungs.add(own == null ? (i == 0 ? null : r) : r.in(own.codec()));
            kbps[i] = r.bitrateKbps();
        }
        int start = own == null ? 0 : Math.max(0, rungs.indexOf(own));
        return new ViewerAdaptation(session, rungs, kbps, start, new ViewerAdaptation.Rungs() {
            @Override
            public StreamFanout fanout(Rendition rendition) {
                return fanoutFor(stream, rendition);
            }

            @Override
            public void unused(StreamFanout f) {
                releaseIfUnused(f);
            }
        }, session.canProbe() ? probes : null);
    }

    /** A viewer moved to another rung (or called a move off): figures of both fan-outs, and the unused one goes. */
    void moved(SfuViewerSession session, StreamFanout left) {
        StreamFanout now = session.fanout();
        now.viewerSessions(sessionsOf(now));
        left.viewerSessions(sessionsOf(left));
        releaseIfUnused(left);
    }

    /** The last viewer left: stop packetizing (an on-demand stream may then close its source). */
    private void releaseIfUnused(StreamFanout fanout) {
        boolean inUse = pending.get() > 0 || used(fanout);
        if (!inUse && fanouts.remove(fanout.key(), fanout)) {
            fanout.close();
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
