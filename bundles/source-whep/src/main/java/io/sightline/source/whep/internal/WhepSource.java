package io.sightline.source.whep.internal;

import io.sightline.rtp.dtls.DtlsCertificate;
import io.sightline.rtp.h264.H264Ingest;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import io.sightline.rtp.rtcp.RtcpWriter;
import io.sightline.rtp.rtp.H264Depacketizer;
import io.sightline.rtp.rtp.NackGenerator;
import io.sightline.rtp.rtp.ReorderWindow;
import io.sightline.rtp.rtp.RtpHeader;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.RtpFormat;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.srtp.SrtpContext;
import io.sightline.rtp.srtp.SrtpException;
import io.sightline.rtp.srtp.SrtpSession;
import io.sightline.rtp.stun.StunException;
import io.sightline.rtp.stun.StunMessage;
import io.sightline.rtp.stun.StunMessageBuilder;
import io.sightline.source.whep.internal.WhepSourceFactory.WhepSettings;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one stream from a WHEP endpoint and hands its H.264 access units and Opus packets to the stream as they
 * are (passthrough). {@link #start()} does the whole connection on the supervisor's thread (offer, ICE checks as
 * the controlling agent with USE-CANDIDATE, DTLS handshake as the client, SRTP keys) within
 * {@code source.connect.timeout.ms}; then one media thread owns the socket: it decrypts, reorders and
 * depacketizes, and every {@link #TICK_MS} ms sends NACKs, PLIs, receiver reports and ICE consent checks. Any
 * failure after start is reported to the sink; the stream's supervisor reconnects with backoff.
 */
final class WhepSource implements CaptureSource {
    private static final Logger LOG = LoggerFactory.getLogger(WhepSource.class);
    static final int TICK_MS = 10;
    static final long REORDER_HOLD_NANOS = 80_000_000L;
    static final long PLI_INTERVAL_NANOS = 300_000_000L;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** RFC 7675 consent: the ICE-lite peer drops us after ~30 s without checks; every 2 s is ample. */
    static final long CONSENT_INTERVAL_NANOS = 2_000_000_000L;
    static final long CHECK_RESEND_NANOS = 100_000_000L;
    private static final int BUFFER = 1600;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SourceContext context;
    private final WhepSettings settings;
    private final MediaSink sink;
    private final String name;
    private final long localSsrc = RANDOM.nextInt() & 0xffffffffL;
    private final long tieBreaker = RANDOM.nextLong();
    private DtlsCertificate certificate;
    private volatile boolean running;
    private volatile boolean keyframeWanted = true;
    private volatile Thread thread;
    private volatile DatagramSocket socket;
    private volatile DTLSTransport dtls;
    private volatile URI location;
    private WhepSignaling signaling;
    private Session session;

    WhepSource(SourceContext context, WhepSettings settings) {
        this.context = context;
        this.settings = settings;
        this.sink = context.sink();
        this.name = context.streamName();
    }

    @Override
    public synchronized void start() throws Exception {
        if (certificate == null) {
            certificate = DtlsCertificate.generate(RANDOM); // one per source: ~ms of EC key generation
        }
        long deadline = System.nanoTime() + settings.connectTimeoutMs() * 1_000_000L;
        signaling = new WhepSignaling(settings.url(), settings.token(), Duration.ofMillis(settings.connectTimeoutMs()));
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(0));
        socket = s;
        try {
            WhepOffer offer = new WhepOffer(RANDOM);
            InetAddress local = localAddressTowards(settings.url().getHost());
            WhepSignaling.Answer reply;
            try {
                reply = signaling.offer(offer.sdp(certificate.fingerprint(), local.getHostAddress(), s.getLocalPort()));
            } catch (IOException e) {
                throw new IOException("WHEP offer to " + settings.url() + " failed: " + e.getMessage(), e);
            }
            location = reply.location();
            WhepAnswer answer;
            try {
                answer = WhepAnswer.parse(reply.sdp());
            } catch (SdpException e) {
                throw new IOException("unusable WHEP answer from " + settings.url() + ": " + e.getMessage(), e);
            }
            Session fresh = new Session(offer, answer);
            fresh.connectIce(deadline);
            fresh.handshake(deadline);
            session = fresh;
            running = true;
            keyframeWanted = true;
            Thread t = new Thread(fresh::run, "whep-" + name);
            t.setDaemon(true);
            thread = t;
            t.start();
            LOG.info("Stream '{}': pulling {} (ICE {}, {})", name, settings.url(), fresh.remote, fresh.profile);
        } catch (Exception e) {
            cleanUp();
            throw e;
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        Thread t = thread;
        thread = null;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Session s = session;
        session = null;
        if (s != null) {
            s.logSummary();
        }
        cleanUp();
    }

    @Override
    public void requestKeyframe() {
        keyframeWanted = true;
    }

    private void cleanUp() {
        DTLSTransport d = dtls;
        dtls = null;
        if (d != null) {
            try {
                d.close(); // close_notify: the peer frees its side at once
            } catch (IOException | RuntimeException e) {
                LOG.debug("DTLS close", e);
            }
        }
        DatagramSocket s = socket;
        socket = null;
        if (s != null) {
            s.close();
        }
        URI l = location;
        location = null;
        if (signaling != null && l != null) {
            signaling.delete(l);
        }
    }

    /** The local address the OS would use to reach {@code host}: the one our candidate must name. */
    private static InetAddress localAddressTowards(String host) throws IOException {
        InetAddress target = InetAddress.getByName(host);
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(target, 9);
            InetAddress local = probe.getLocalAddress();
            return local.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local;
        }
    }

    /** One connection's state, owned by the media thread once started. */
    private final class Session {
        private final WhepOffer offer;
        private final WhepAnswer answer;
        private final byte[] in = new byte[BUFFER];
        private final byte[] out = new byte[BUFFER];
        private final DatagramPacket inPacket = new DatagramPacket(in, in.length);
        private final int[] nackList = new int[64];
        private final RtpHeader header = new RtpHeader();
        private final NackGenerator nacks = new NackGenerator(256, 10, 1_000_000_000L);
        private final ReorderWindow reorder;
        private final H264Depacketizer depacketizer;
        private final H264Ingest video;
        private final RtpClock videoClock = new RtpClock(90_000);
        private final RtpClock audioClock = new RtpClock(48_000);
        private InetSocketAddress remote;
        private String profile;
        private SrtpContext inbound;
        private SrtpContext outbound;
        private Track videoTrack;
        private boolean announced;
        private long arrivalNanos;
        private long videoSsrc;
        private long audioSsrc;
        private long lastPliNanos = Long.MIN_VALUE / 4;
        private long lastReportNanos;
        private long lastConsentNanos;
        private long lastMediaNanos;
        private long packets;
        private long undecryptable;
        private long units;
        private long plis;

        Session(WhepOffer offer, WhepAnswer answer) {
            this.offer = offer;
            this.answer = answer;
            this.video = new H264Ingest(new H264Ingest.Output() {
                @Override
                public void track(Track track) {
                    videoTrack = track;
                    announced = false;
                }

                @Override
                public void unit(EncodedUnit unit) {
                    announce();
                    units++;
                    sink.push(unit);
                }

                @Override
                public void keyframeNeeded() {
                    keyframeWanted = true;
                }
            });
            this.depacketizer = new H264Depacketizer((nals, ts, damaged) -> video.accessUnit(nals, damaged,
                    videoClock.micros(ts, arrivalNanos), System.currentTimeMillis(), arrivalNanos));
            this.reorder = new ReorderWindow(512, BUFFER, REORDER_HOLD_NANOS, (payload, seq, ts, marker, at) -> {
                arrivalNanos = at;
                depacketizer.packet(payload, seq, ts, marker);
            });
        }

        // ---- connection (supervisor thread) ---------------------------------------------------------------------

        /**
         * Checks every candidate of the answer until one answers, then nominates that one alone (USE-CANDIDATE):
         * nominating several would let the ICE-lite peer pick another path than the one this socket is bound to.
         */
        void connectIce(long deadline) throws IOException {
            DatagramSocket s = socket;
            List<byte[]> transactions = new ArrayList<>();
            List<InetSocketAddress> targets = new ArrayList<>();
            for (IceCandidate c : answer.candidates()) {
                targets.add(new InetSocketAddress(c.address(), c.port()));
            }
            byte[] key = answer.icePwd().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            InetSocketAddress chosen = null;
            long nextSend = 0;
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (now >= nextSend) {
                    transactions.clear();
                    for (InetSocketAddress target : chosen == null ? targets : List.of(chosen)) {
                        byte[] request = check(chosen != null);
                        transactions.add(Arrays.copyOfRange(request, 8, 20));
                        s.send(new DatagramPacket(request, request.length, target));
                    }
                    nextSend = now + CHECK_RESEND_NANOS;
                }
                s.setSoTimeout((int) Math.max(1, Math.min(CHECK_RESEND_NANOS, deadline - now) / 1_000_000L));
                inPacket.setData(in, 0, in.length);
                try {
                    s.receive(inPacket);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                StunMessage m = stunOrNull(in, inPacket.getLength());
                if (m == null) {
                    continue;
                }
                InetSocketAddress from = (InetSocketAddress) inPacket.getSocketAddress();
                if (m.isBindingRequest()) {
                    respond(m, from);
                } else if (m.messageType() == StunMessage.BINDING_SUCCESS && m.verifyMessageIntegrity(key)
                        && transactions.stream().anyMatch(t -> Arrays.equals(t, m.transactionId()))) {
                    if (chosen == null) {
                        chosen = from;
                        nextSend = 0; // nominate it now
                    } else if (chosen.equals(from)) {
                        remote = from;
                        s.connect(remote);
                        return;
                    }
                }
            }
            throw new IOException("ICE: no candidate of " + settings.url() + " answered " + targets);
        }

        void handshake(long deadline) throws IOException {
            int left = (int) Math.max(100, (deadline - System.nanoTime()) / 1_000_000L);
            DtlsSrtpClient client = new DtlsSrtpClient(new BcTlsCrypto(RANDOM), certificate, answer.fingerprint(),
                    left);
            DTLSClientProtocol protocol = new DTLSClientProtocol();
            try {
                dtls = protocol.connect(client, new SocketDatagramTransport(socket, this::stunDuringHandshake));
            } catch (IOException e) {
                throw new IOException("DTLS handshake with " + remote + " failed: " + e.getMessage(), e);
            }
            SrtpSession srtp = SrtpSession.fromDtlsKeyingMaterial(client.profile(), client.keyingMaterial(),
                    SrtpSession.Role.CLIENT);
            inbound = srtp.inbound();
            outbound = srtp.outbound();
            profile = client.profile().toString();
        }

        private void stunDuringHandshake(byte[] packet, int length) throws IOException {
            StunMessage m = stunOrNull(packet, length);
            if (m != null && m.isBindingRequest()) {
                respond(m, remote);
            }
        }

        // ---- media (media thread) -------------------------------------------------------------------------------

        void run() {
            DatagramSocket s = socket;
            long now = System.nanoTime();
            lastMediaNanos = now;
            lastConsentNanos = now;
            long readTimeout = settings.readTimeoutMs() * 1_000_000L;
            String failure = null;
            try {
                s.setSoTimeout(TICK_MS);
                long nextTick = now;
                while (running) {
                    inPacket.setData(in, 0, in.length);
                    try {
                        s.receive(inPacket);
                        packet(inPacket.getLength(), System.nanoTime());
                    } catch (SocketTimeoutException e) {
                        // tick below
                    }
                    now = System.nanoTime();
                    if (now >= nextTick) {
                        tick(now);
                        nextTick = now + TICK_MS * 1_000_000L;
                    }
                    if (now - lastMediaNanos > readTimeout) {
                        failure = "no media from " + settings.url() + " for " + settings.readTimeoutMs() + " ms";
                        break;
                    }
                }
            } catch (SocketException e) {
                if (running) {
                    failure = "socket to " + settings.url() + " failed: " + e.getMessage();
                }
            } catch (IOException | RuntimeException e) {
                failure = "WHEP pull from " + settings.url() + " failed: " + e;
            }
            if (failure != null && running) {
                sink.failed(failure, null);
            }
        }

        private void packet(int length, long now) throws IOException {
            int first = in[0] & 0xff;
            if (first <= 3) {
                StunMessage m = stunOrNull(in, length);
                if (m != null && m.isBindingRequest()) {
                    respond(m, remote);
                }
                return;
            }
            if (first < 128 || first > 191 || length < 12) {
                return; // DTLS after the handshake (alerts): the read timeout notices a peer that went away
            }
            int pt = in[1] & 0x7f;
            if (pt >= 64 && pt <= 95) {
                return; // RTCP (sender reports): nothing here needs them
            }
            int plain;
            try {
                plain = inbound.unprotectRtp(in, 0, length);
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
                return;
            }
            packets++;
            lastMediaNanos = now;
            RtpFormat v = answer.video();
            RtpFormat a = answer.audio();
            if (v != null && header.payloadType() == v.payloadType()) {
                videoSsrc = header.ssrc();
                nacks.received(header.sequenceNumber(), now);
                reorder.add(in, offset, payload, header.sequenceNumber(), header.timestamp(), header.marker(), now);
            } else if (a != null && header.payloadType() == a.payloadType()) {
                audioSsrc = header.ssrc();
                audio(offset, payload, now);
            }
        }

        private void audio(int offset, int length, long now) {
            if (!announced && answer.video() != null) {
                return; // audio waits for the video track, so both are announced at once
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
            List<Track> tracks = new ArrayList<>(2);
            if (videoTrack != null) {
                tracks.add(videoTrack);
            }
            if (answer.audio() != null) {
                tracks.add(Track.audio(CodecParameters.opus("1".equals(answer.audio().fmtp("stereo")))));
            }
            sink.tracks(List.copyOf(tracks));
            announced = true;
            LOG.info("Stream '{}': tracks from {}: {}", name, settings.url(), tracks);
        }

        private void tick(long now) throws IOException {
            reorder.flush(now);
            int len = 0;
            if (videoSsrc != 0) {
                int n = nacks.due(now, 30_000_000L, nackList);
                len += RtcpWriter.writeNack(out, len, localSsrc, videoSsrc, nackList, n);
                if (nacks.takeKeyframeNeeded()) {
                    keyframeWanted = true;
                }
                if (keyframeWanted && now - lastPliNanos >= PLI_INTERVAL_NANOS) {
                    keyframeWanted = false;
                    lastPliNanos = now;
                    plis++;
                    len += RtcpWriter.writePli(out, len, localSsrc, videoSsrc);
                }
            }
            if (now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
                long media = videoSsrc != 0 ? videoSsrc : audioSsrc;
                if (media != 0) {
                    lastReportNanos = now;
                    // The first RTCP of a compound must be a report: put one in front of whatever is due.
                    byte[] compound = new byte[BUFFER];
                    int rr = RtcpWriter.writeReceiverReport(compound, 0, localSsrc, media, 0, 0, 0, 0, 0, 0);
                    System.arraycopy(out, 0, compound, rr, len);
                    System.arraycopy(compound, 0, out, 0, rr + len);
                    len += rr;
                }
            }
            if (len > 0) {
                try {
                    int protectedLength = outbound.protectRtcp(out, 0, len);
                    socket.send(new DatagramPacket(out, 0, protectedLength));
                } catch (SrtpException e) {
                    LOG.debug("Stream '{}': SRTCP protect failed", name, e);
                }
            }
            if (now - lastConsentNanos >= CONSENT_INTERVAL_NANOS) {
                lastConsentNanos = now;
                byte[] request = check(false);
                socket.send(new DatagramPacket(request, request.length));
            }
        }

        // ---- STUN -----------------------------------------------------------------------------------------------

        private byte[] check(boolean nominate) {
            StunMessageBuilder b = StunMessageBuilder.bindingRequest()
                    .addUsername(answer.iceUfrag() + ":" + offer.ufrag)
                    .addPriority(2130706431L)
                    .addIceControlling(tieBreaker);
            if (nominate) {
                b.addUseCandidate();
            }
            return b.addMessageIntegrity(answer.icePwd()).addFingerprint().build();
        }

        private void respond(StunMessage request, InetSocketAddress from) throws IOException {
            if (from == null) {
                return;
            }
            byte[] response = StunMessageBuilder.bindingSuccess(request.transactionId()).addXorMappedAddress(from)
                    .addMessageIntegrity(offer.pwd).addFingerprint().build();
            DatagramSocket s = socket;
            if (s != null) {
                s.send(new DatagramPacket(response, response.length, from));
            }
        }

        private StunMessage stunOrNull(byte[] packet, int length) {
            try {
                return StunMessage.parse(packet, 0, length);
            } catch (StunException e) {
                return null;
            }
        }

        void logSummary() {
            LOG.info("Stream '{}': WHEP pull from {} ended: {} packets, {} units, {} reordered late, {} lost after "
                    + "waiting, {} NACKed, {} recovered, {} PLIs, {} undecryptable", name, settings.url(), packets,
                    units, reorder.late(), reorder.skipped(), nacks.requested(), nacks.recovered(), plis,
                    undecryptable);
        }
    }

    /** One track's RTP clock: timestamps unwrapped and anchored at the arrival of the track's first packet. */
    private static final class RtpClock {
        private final int rate;
        private long last = -1;
        private long unwrapped;
        private long anchorMicros;
        private long firstTs;

        RtpClock(int rate) {
            this.rate = rate;
        }

        long micros(long timestamp, long arrivalNanos) {
            if (last < 0) {
                unwrapped = timestamp;
                firstTs = timestamp;
                anchorMicros = arrivalNanos / 1000;
            } else {
                unwrapped += (int) (timestamp - last);
            }
            last = timestamp;
            return anchorMicros + (unwrapped - firstTs) * 1_000_000L / rate;
        }
    }
}
