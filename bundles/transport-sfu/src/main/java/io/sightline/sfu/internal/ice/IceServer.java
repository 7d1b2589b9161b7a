package io.sightline.sfu.internal.ice;

import io.sightline.endpoint.support.ThrottledLog;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.stun.StunException;
import io.sightline.rtp.stun.StunMessage;
import io.sightline.rtp.stun.StunMessageBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ICE-lite agent (RFC 8445 §2.5) serving every session on one UDP socket and, optionally, one passive ICE-TCP
 * port (RFC 6544). It answers binding requests of registered sessions, binds the validated remote addresses to
 * them, demultiplexes everything else by first byte (RFC 7983) and tracks consent freshness (RFC 7675).
 *
 * <p>One thread receives UDP; sessions are looked up in concurrent maps, so sending and registration never take a
 * lock shared with other sessions.
 */
public final class IceServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IceServer.class);
    /** Largest UDP payload; bigger datagrams are truncated by the OS and then fail parsing. */
    private static final int MAX_DATAGRAM = 65_507;
    private static final int SOCKET_BUFFER_BYTES = 2 * 1024 * 1024;
    /**
     * Unauthenticated packets are dropped with throttled DEBUG lines only; so that a flood still shows at the default
     * level, one WARN line sums up what was dropped, at most once a minute, when at least this many were dropped.
     */
    private static final long FLOOD_REPORT_THRESHOLD = 1000;
    private static final long FLOOD_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final IceServerConfig config;
    private final DatagramChannel udp;
    private final Selector selector;
    private final IceTcpServer tcp;
    private final List<IceCandidate> candidates;
    private final Map<String, IceSession> byUfrag = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, IceSession> byAddress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService consentTimer;
    private final Thread receiver;
    private final LongAdder received = new LongAdder();
    private final LongAdder bindingRequests = new LongAdder();
    private final LongAdder garbage = new LongAdder();
    private final LongAdder unknownAddress = new LongAdder();
    private final LongAdder unknownUfrag = new LongAdder();
    private final LongAdder badCredentials = new LongAdder();
    private final LongAdder sendDropped = new LongAdder();
    /** One line per kind of drop or failure every 10 s: a flood of bad packets must not flood the log. */
    private final ThrottledLog throttledLog = new ThrottledLog(LOG, 1, TimeUnit.SECONDS.toNanos(10), System::nanoTime);
    private volatile boolean running = true;
    /** The flood report's state; only the consent timer thread touches it. */
    private long reportedAt = System.nanoTime() - FLOOD_REPORT_INTERVAL_NANOS;
    private long countedFrom = System.nanoTime();
    private long droppedAtReport;

    private IceServer(IceServerConfig config, DatagramChannel udp, Selector selector, IceTcpServer tcp,
            List<IceCandidate> candidates) {
        this.config = config;
        this.udp = udp;
        this.selector = selector;
        this.tcp = tcp;
        this.candidates = candidates;
        this.consentTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sightline-ice-consent"));
        this.receiver = daemon(this::receiveLoop, "sightline-ice-udp-" + udpAddress().getPort());
    }

    /** Binds the sockets, starts the receive thread and the consent timer. */
    public static IceServer start(IceServerConfig config) throws IOException {
        DatagramChannel udp = DatagramChannel.open();
        Selector selector = null;
        IceTcpServer tcp = null;
        try {
            udp.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            udp.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            udp.bind(new InetSocketAddress(config.bindAddress(), config.udpPort()));
            udp.configureBlocking(false);
            selector = Selector.open();
            udp.register(selector, SelectionKey.OP_READ);
            int udpPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
            IceServer[] self = new IceServer[1];
            if (config.tcpEnabled()) {
                tcp = new IceTcpServer(config, (connection, frame) -> self[0].dispatch(frame, null, connection));
            }
            List<IceCandidate> candidates = HostCandidates.build(HostCandidates.addresses(config), udpPort,
                    tcp == null ? -1 : tcp.localAddress().getPort());
            IceServer server = new IceServer(config, udp, selector, tcp, candidates);
            self[0] = server;
            server.startThreads();
            LOG.info("ICE-lite server on udp {}{}, candidates {}", server.udpAddress(),
                    tcp == null ? "" : " and tcp " + tcp.localAddress(), HostCandidates.toSdp(candidates));
            return server;
        } catch (IOException | RuntimeException e) {
            udp.close();
            if (selector != null) {
                selector.close();
            }
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
    }

    private void startThreads() {
        long period = Math.max(10, Math.min(1000, config.consentTimeout().toMillis() / 4));
        consentTimer.scheduleAtFixedRate(this::checkConsent, period, period, TimeUnit.MILLISECONDS);
        receiver.start();
        if (tcp != null) {
            tcp.start();
        }
    }

    /**
     * Registers a session under its local ufrag. Its consent clock starts now, so a peer that never connects is
     * reported expired too.
     *
     * @throws IllegalStateException when the ufrag is taken
     */
    public IceSession register(String ufrag, String password, IceSessionListener listener) {
        IceSession session = new IceSession(this, ufrag, password, listener, System.nanoTime());
        if (byUfrag.putIfAbsent(ufrag, session) != null) {
            throw new IllegalStateException("ufrag already registered: " + ufrag);
        }
        return session;
    }

    /**
     * ICE restart (RFC 8445 §9): the session answers to new credentials from now on; requests with the old ufrag
     * are no longer answered. Validated paths stay bound until the peer moves.
     */
    public void restart(IceSession session, String ufrag, String password) {
        IceSession.Credentials fresh = IceSession.credentials(ufrag, password);
        String old = session.credentialsInternal().ufrag();
        if (!old.equals(ufrag) && byUfrag.putIfAbsent(ufrag, session) != null) {
            throw new IllegalStateException("ufrag already registered: " + ufrag);
        }
        session.replaceCredentials(fresh);
        if (!old.equals(ufrag)) {
            byUfrag.remove(old, session);
        }
    }

    /** Forgets a session, its bound addresses and closes its ICE-TCP connections. */
    public void unregister(IceSession session) {
        byUfrag.remove(session.credentialsInternal().ufrag(), session);
        for (InetSocketAddress address : session.udpAddresses()) {
            byAddress.remove(address, session);
        }
        session.close();
    }

    /** The host candidates, UDP first then passive TCP. */
    public List<IceCandidate> candidates() {
        return candidates;
    }

    public InetSocketAddress udpAddress() {
        try {
            return (InetSocketAddress) udp.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("UDP socket closed", e);
        }
    }

    /** The ICE-TCP listening address, or null when ICE-TCP is disabled. */
    public InetSocketAddress tcpAddress() {
        return tcp == null ? null : tcp.localAddress();
    }

    public int sessionCount() {
        return byUfrag.size();
    }

    /**
     * Sends one datagram (the buffer's remaining bytes) from the shared socket without blocking.
     *
     * @return false when it was dropped (socket buffer full or socket closed)
     */
    public boolean send(ByteBuffer packet, InetSocketAddress to) {
        try {
            if (udp.send(packet, to) == 0) {
                sendDropped.increment();
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            sendDropped.increment();
            throttledLog.warn("send", "UDP send to {} failed: {}", to, e.toString());
            return false;
        }
    }

    public IceStats stats() {
        return new IceStats(received.sum(), bindingRequests.sum(), garbage.sum(), unknownAddress.sum(),
                unknownUfrag.sum(), badCredentials.sum(), sendDropped.sum() + (tcp == null ? 0 : tcp.sendDropped()));
    }

    @Override
    public void close() {
        running = false;
        consentTimer.shutdownNow();
        try {
            selector.close();
            udp.close();
        } catch (IOException e) {
            LOG.debug("closing UDP socket", e);
        }
        if (tcp != null) {
            tcp.close();
        }
        try {
            receiver.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (IceSession session : byUfrag.values()) {
            session.close();
        }
        byUfrag.clear();
        byAddress.clear();
    }

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        while (running) {
            try {
                selector.select();
                selector.selectedKeys().clear();
                InetSocketAddress from;
                while ((from = (InetSocketAddress) udp.receive(buffer.clear())) != null) {
                    buffer.flip();
                    received.increment();
                    dispatch(buffer, from, null);
                }
            } catch (ClosedChannelException | ClosedSelectorException e) {
                break;
            } catch (IOException | RuntimeException e) {
                // Never let one bad datagram or listener kill the thread every session depends on.
                throttledLog.warn("receive", "UDP receive loop: {}", e.toString());
            }
        }
    }

    /** Routes one packet by its first byte (RFC 7983 §7). {@code tcp} is null for UDP. */
    void dispatch(ByteBuffer packet, InetSocketAddress from, IceTcpConnection tcp) {
        if (tcp != null) {
            received.increment();
            from = tcp.remoteAddress();
        }
        if (!packet.hasRemaining()) {
            countGarbage(from, "dropped garbage, empty packet", null);
            return;
        }
        int first = packet.get(packet.position()) & 0xFF;
        try {
            if (first <= 3) {
                handleStun(packet, from, tcp);
            } else if (first >= 20 && first <= 63) {
                IceSession session = route(from, tcp);
                if (session != null) {
                    session.listener().onDtls(session, packet);
                }
            } else if (first >= 128 && first <= 191) {
                routeRtp(packet, from, tcp);
            } else {
                countGarbage(from, "dropped garbage, first byte", first);
            }
        } catch (RuntimeException e) {
            throttledLog.warn("dispatch", "packet from {} failed: {}", from, e.toString());
        }
    }

    private void routeRtp(ByteBuffer packet, InetSocketAddress from, IceTcpConnection tcp) {
        if (packet.remaining() < 8) {
            countGarbage(from, "dropped garbage, short RTP/RTCP", null);
            return;
        }
        IceSession session = route(from, tcp);
        if (session == null) {
            return;
        }
        int type = packet.get(packet.position() + 1) & 0xFF;
        if (type >= 192 && type <= 223) {
            session.listener().onRtcp(session, packet);
        } else if (packet.remaining() >= 12) {
            session.listener().onRtp(session, packet);
        } else {
            countGarbage(from, "dropped garbage, short RTP", null);
        }
    }

    private IceSession route(InetSocketAddress from, IceTcpConnection tcp) {
        IceSession session = tcp != null ? tcp.session() : byAddress.get(from);
        if (session == null || session.isClosed()) {
            unknownAddress.increment();
            throttledLog.debug("unvalidated", "dropped packet from unvalidated address {}", from);
            if (tcp != null) {
                tcp.close(); // RFC 6544: a connection must start with a binding request
            }
            return null;
        }
        return session;
    }

    private void handleStun(ByteBuffer packet, InetSocketAddress from, IceTcpConnection tcp) {
        StunMessage request;
        try {
            request = StunMessage.parse(packet);
        } catch (StunException e) {
            countGarbage(from, "dropped malformed STUN", e.getMessage());
            closeUnbound(tcp);
            return;
        }
        if (!request.isBindingRequest()) {
            // Indications are keepalives; responses cannot be ours (a lite agent sends no requests).
            if (request.messageType() != StunMessage.BINDING_INDICATION) {
                countGarbage(from, "dropped unexpected STUN", request);
            }
            closeUnbound(tcp);
            return;
        }
        IceSession session = sessionFor(request);
        if (session == null) {
            unknownUfrag.increment();
            throttledLog.debug("unknown ufrag", "binding request for an unknown ufrag from {}", from);
            closeUnbound(tcp);
            return;
        }
        IceSession.Credentials credentials = session.credentialsInternal();
        if (!request.verifyFingerprint() || !request.verifyMessageIntegrity(credentials.key())
                || (tcp != null && tcp.session() != null && tcp.session() != session)) {
            badCredentials.increment();
            throttledLog.debug("integrity", "binding request failed integrity from {}", from);
            closeUnbound(tcp);
            return;
        }
        answer(request, session, credentials, from, tcp);
    }

    private IceSession sessionFor(StunMessage request) {
        String username = request.username();
        if (username == null) {
            return null;
        }
        int colon = username.indexOf(':');
        return byUfrag.get(colon < 0 ? username : username.substring(0, colon));
    }

    private void answer(StunMessage request, IceSession session, IceSession.Credentials credentials,
            InetSocketAddress from, IceTcpConnection tcp) {
        StunMessageBuilder response;
        if (request.hasIceControlled()) {
            // RFC 8445 §7.3.1.1: both sides claim controlled; a lite agent never takes control, so the peer must.
            response = StunMessageBuilder.bindingError(request.transactionId()).addErrorCode(487, "Role Conflict");
        } else {
            response = StunMessageBuilder.bindingSuccess(request.transactionId()).addXorMappedAddress(from);
        }
        byte[] bytes = response.addMessageIntegrity(credentials.key()).addFingerprint().build();
        IcePath path = tcp != null ? tcp : new UdpPath(this, from);
        // Bind before answering: the peer may send DTLS right after it reads the response.
        IcePath selected = null;
        if (!request.hasIceControlled() && !session.isClosed()) {
            bindingRequests.increment();
            if (tcp != null) {
                tcp.bind(session);
            } else {
                byAddress.put(from, session);
            }
            selected = session.onValidBindingRequest(path, request, System.nanoTime());
        }
        path.send(ByteBuffer.wrap(bytes));
        if (selected != null) {
            LOG.debug("{} selected {}", session, selected);
            session.listener().onPathSelected(session, selected);
        }
    }

    private void closeUnbound(IceTcpConnection tcp) {
        if (tcp != null && tcp.session() == null) {
            tcp.close();
        }
    }

    private void countGarbage(InetSocketAddress from, String what, Object detail) {
        garbage.increment();
        throttledLog.debug("garbage", "dropped packet from {}: " + what + " {}", from, detail);
    }

    /** Dropped unauthenticated packets and refused ICE-TCP connections since the start. */
    private long dropped() {
        return garbage.sum() + unknownAddress.sum() + unknownUfrag.sum() + badCredentials.sum()
                + (tcp == null ? 0 : tcp.refused() + tcp.evicted());
    }

    /**
     * One WARN line when at least {@link #FLOOD_REPORT_THRESHOLD} packets were dropped within a minute, at most one a
     * minute: the first within a second of a flood starting, then one a minute while it lasts. A quieter minute's
     * count is forgotten, so background noise never adds up to a report.
     */
    private void reportDropped(long now) {
        if (now - reportedAt < FLOOD_REPORT_INTERVAL_NANOS) {
            return;
        }
        long total = dropped();
        long count = total - droppedAtReport;
        if (count >= FLOOD_REPORT_THRESHOLD) {
            LOG.warn("Media port {}: dropped {} unauthenticated packets in the last {} s (totals since start: {} binding "
                    + "requests for unknown sessions, {} failing integrity, {} packets from unvalidated addresses, {} "
                    + "malformed, {} silent ICE-TCP connections closed to make room, {} refused)",
                    udpAddress().getPort(), count, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(now - countedFrom)),
                    unknownUfrag.sum(), badCredentials.sum(), unknownAddress.sum(), garbage.sum(),
                    tcp == null ? 0 : tcp.evicted(), tcp == null ? 0 : tcp.refused());
            reportedAt = now;
            droppedAtReport = total;
            countedFrom = now;
        } else if (now - countedFrom >= FLOOD_REPORT_INTERVAL_NANOS) {
            droppedAtReport = total;
            countedFrom = now;
        }
    }

    private void checkConsent() {
        long now = System.nanoTime();
        try {
            reportDropped(now);
        } catch (RuntimeException e) {
            LOG.debug("flood report", e);
        }
        long timeout = config.consentTimeout().toNanos();
        for (IceSession session : byUfrag.values()) {
            if (session.expireIfStale(now, timeout)) {
                LOG.debug("{}: consent expired", session);
                try {
                    session.listener().onConsentExpired(session);
                } catch (RuntimeException e) {
                    LOG.warn("consent expiry callback of {} failed", session, e);
                }
            }
        }
    }

    static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
