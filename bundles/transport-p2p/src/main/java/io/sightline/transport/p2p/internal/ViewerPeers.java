package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PortAllocatorConfig;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceServer;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpCodecCapability;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.MediaStreamTrack;
import dev.onvoid.webrtc.media.MediaType;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P2P engine: one headless {@link PeerConnectionFactory} shared by all viewers, and per viewer a PeerConnection
 * fed from its own raw-picture subscription. Kept free of OSGi so it can be tested with real libwebrtc peers.
 */
final class ViewerPeers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerPeers.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Codecs libwebrtc negotiates alongside the media codecs; kept after the preferred ones. */
    private static final Set<String> HELPER_CODECS = Set.of("RTX", "RED", "ULPFEC", "FLEXFEC-03");
    /** Two pictures: a viewer whose encoder falls behind drops stale pictures instead of queueing them. */
    private static final SubscribeOptions PICTURES = new SubscribeOptions(2, false, true, false);
    private static final long SDP_TIMEOUT_MS = 5000;

    private final HeadlessAudioDeviceModule audio;
    private final PeerConnectionFactory factory;
    private final Map<String, PeerSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Integer> admitted = new ConcurrentHashMap<>();
    private final ExecutorService closer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "p2p-session-closer");
        t.setDaemon(true);
        return t;
    });
    private volatile P2pSettings settings;

    ViewerPeers(P2pSettings settings) {
        this.settings = settings;
        // Never the no-argument factory: it opens a sound device and aborts the JVM where there is none.
        this.audio = new HeadlessAudioDeviceModule();
        this.factory = new PeerConnectionFactory(audio);
    }

    void update(P2pSettings newSettings) {
        this.settings = newSettings;
    }

    List<PeerSession> sessions() {
        return List.copyOf(sessions.values());
    }

    PeerSession open(Stream stream, SessionRequest request) throws TransportException {
        P2pSettings s = settings;
        List<String> codecs = acceptableCodecs(request.offerSdp(), s);
        admit(stream.name(), s.maxViewersPerStream());
        PeerSession session = new PeerSession(randomHex(16), stream.name(), request.remoteAddress(), this);
        boolean ok = false;
        try {
            session.subscribed(stream.subscribe(session, PICTURES));
            awaitPicture(stream, session, s);
            connect(session, request.offerSdp(), codecs, s, stream.name());
            sessions.put(session.id(), session);
            ok = true;
            return session;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Reason.AT_CAPACITY, "interrupted");
        } finally {
            release(stream.name());
            if (!ok) {
                session.close();
            }
        }
    }

    private static List<String> acceptableCodecs(String offerSdp, P2pSettings s) throws TransportException {
        OfferVideo video;
        try {
            video = OfferVideo.parse(offerSdp);
        } catch (IllegalArgumentException e) {
            throw new TransportException(Reason.MALFORMED_OFFER, "body is not an SDP offer");
        }
        if (!video.present() || !video.receives()) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "the offer has no video m-line that can receive");
        }
        List<String> common = video.common(s.codecs());
        if (common.isEmpty()) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "no common video codec: the offer has "
                    + video.codecNames() + ", this server allows " + s.codecs());
        }
        return common;
    }

    private void admit(String stream, int max) throws TransportException {
        synchronized (admitted) {
            long live = sessions.values().stream().filter(p -> p.streamName().equals(stream)).count();
            int pending = admitted.getOrDefault(stream, 0);
            if (live + pending >= max) {
                throw new TransportException(Reason.AT_CAPACITY, "stream '" + stream + "' has its maximum of " + max
                        + " P2P viewers");
            }
            admitted.put(stream, pending + 1);
        }
    }

    private void release(String stream) {
        synchronized (admitted) {
            admitted.computeIfPresent(stream, (k, v) -> v <= 1 ? null : v - 1);
        }
    }

    private static void awaitPicture(Stream stream, PeerSession session, P2pSettings s)
            throws TransportException, InterruptedException {
        long wait = stream.status().state() == StreamState.FAILED ? 0 : s.frameWaitMs();
        if (session.awaitFirstPicture(wait)) {
            return;
        }
        StreamState state = stream.status().state();
        if (state == StreamState.LIVE) {
            // Passthrough sources get pictures from the stream's shared decoder; none came, so it is missing.
            throw new TransportException(Reason.NOT_ACCEPTABLE, "stream '" + stream.name() + "' is live but "
                    + "delivers no raw pictures: an encoded passthrough source and no decoder installed for its codec "
                    + "(the sightline-codec-ffmpeg feature decodes H.264, VP8, VP9 and AV1)");
        }
        throw new TransportException(Reason.STREAM_NOT_LIVE, "stream '" + stream.name() + "' is "
                + state.name().toLowerCase(Locale.ROOT));
    }

    private void connect(PeerSession session, String offerSdp, List<String> codecs, P2pSettings s, String streamId)
            throws TransportException, InterruptedException {
        RTCPeerConnection pc = factory.createPeerConnection(rtcConfiguration(s), session);
        CustomVideoSource source = new CustomVideoSource();
        VideoTrack track = factory.createVideoTrack("video-" + session.id(), source);
        session.attach(pc, source, track);
        SdpCallbacks.Applied remote = new SdpCallbacks.Applied();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.OFFER, offerSdp), remote);
        await(remote, "setRemoteDescription", TransportException.Reason.MALFORMED_OFFER);
        // addTrack reuses the recvonly video transceiver the offer created, making it send-only on our side.
        RTCRtpSender sender = pc.addTrack(track, List.of(streamId));
        session.sender(sender);
        preferCodecs(pc, codecs);
        SdpCallbacks.Created answer = new SdpCallbacks.Created();
        pc.createAnswer(new RTCAnswerOptions(), answer);
        RTCSessionDescription created = await(answer, "createAnswer", Reason.NOT_ACCEPTABLE);
        SdpCallbacks.Applied local = new SdpCallbacks.Applied();
        pc.setLocalDescription(created, local);
        await(local, "setLocalDescription", Reason.NOT_ACCEPTABLE);
        try {
            session.gathered().get(s.gatheringTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.debug("ICE gathering of {} not complete after {} ms; answering with what we have", session.id(),
                    s.gatheringTimeoutMs());
        } catch (ExecutionException e) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "ICE gathering failed: " + e.getCause());
        }
        String sdp = pc.getLocalDescription().sdp;
        OfferVideo answered = OfferVideo.parse(sdp);
        if (!answered.present()) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "libwebrtc rejected the video m-line");
        }
        session.answered(sdp);
    }

    private static <T> T await(CompletableFuture<T> step, String what, Reason reason)
            throws TransportException, InterruptedException {
        try {
            return step.get(SDP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TransportException(reason, what + " failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new TransportException(Reason.AT_CAPACITY, what + " timed out");
        }
    }

    /** Orders the video transceiver's codecs as configured and leaves out the ones not allowed. */
    private void preferCodecs(RTCPeerConnection pc, List<String> codecs) {
        List<RTCRtpCodecCapability> all = factory.getRtpSenderCapabilities(MediaType.VIDEO).getCodecs();
        List<RTCRtpCodecCapability> ordered = new ArrayList<>();
        for (String name : codecs) {
            all.stream().filter(c -> c.getName().equalsIgnoreCase(name)).forEach(ordered::add);
        }
        all.stream().filter(c -> HELPER_CODECS.contains(c.getName().toUpperCase(Locale.ROOT))).forEach(ordered::add);
        for (RTCRtpTransceiver t : pc.getTransceivers()) {
            MediaStreamTrack sending = t.getSender().getTrack();
            if (sending != null && MediaStreamTrack.VIDEO_TRACK_KIND.equals(sending.getKind())) {
                try {
                    t.setCodecPreferences(ordered);
                } catch (RuntimeException e) {
                    LOG.warn("libwebrtc refused codec preferences {}: {}", codecs, e.getMessage());
                }
            }
        }
    }

    private static RTCConfiguration rtcConfiguration(P2pSettings s) {
        RTCConfiguration config = new RTCConfiguration();
        for (String url : s.iceServers()) {
            RTCIceServer server = new RTCIceServer();
            server.urls = List.of(url);
            config.iceServers.add(server);
        }
        PortAllocatorConfig ports = new PortAllocatorConfig(s.portMin(), s.portMax(), 0);
        ports.setDisableTcp(!s.iceTcp());
        config.portAllocatorConfig = ports;
        return config;
    }

    /** Closes a session off libwebrtc's and the stream's threads (closing on them could deadlock). */
    void closeLater(PeerSession session) {
        try {
            closer.execute(session::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            session.close();
        }
    }

    void sessionClosed(PeerSession session) {
        sessions.remove(session.id(), session);
    }

    /** Closes every session, then the factory; the factory must outlive its PeerConnections. */
    @Override
    public void close() {
        new ArrayList<>(sessions.values()).forEach(PeerSession::close);
        closer.shutdown();
        try {
            closer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        factory.dispose();
        audio.dispose();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
