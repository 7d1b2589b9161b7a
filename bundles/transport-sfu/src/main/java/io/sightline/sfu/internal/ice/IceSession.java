package io.sightline.sfu.internal.ice;

import io.sightline.rtp.stun.StunMessage;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One viewer's ICE-lite state on the shared server: its local credentials, the paths the peer validated, the
 * selected path, and consent freshness (RFC 7675). Created by {@link IceServer#register}.
 */
public final class IceSession {

    /** Local credentials; replaced as a whole on ICE restart so readers never see a mixed pair. */
    record Credentials(String ufrag, String password, byte[] key) {
    }

    private final IceServer server;
    private final IceSessionListener listener;
    private final Set<InetSocketAddress> udpAddresses = ConcurrentHashMap.newKeySet();
    private final Set<IceTcpConnection> tcpConnections = ConcurrentHashMap.newKeySet();
    private volatile Credentials credentials;
    private volatile IcePath selectedPath;
    private volatile boolean nominated;
    private volatile long lastConsentNanos;
    private volatile boolean expired;
    private volatile boolean closed;

    IceSession(IceServer server, String ufrag, String password, IceSessionListener listener, long nowNanos) {
        this.server = server;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.credentials = credentials(ufrag, password);
        this.lastConsentNanos = nowNanos;
    }

    static Credentials credentials(String ufrag, String password) {
        // RFC 8445 §5.3: ufrag at least 4 and password at least 22 ice-chars; we only refuse what breaks parsing.
        if (ufrag == null || ufrag.isEmpty() || ufrag.indexOf(':') >= 0 || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("invalid ICE credentials");
        }
        return new Credentials(ufrag, password, password.getBytes(StandardCharsets.UTF_8));
    }

    public String localUfrag() {
        return credentials.ufrag();
    }

    public String localPassword() {
        return credentials.password();
    }

    /** The path media is sent on, or null before the peer's first valid binding request. */
    public IcePath selectedPath() {
        return selectedPath;
    }

    /** True once the peer nominated a path with USE-CANDIDATE. */
    public boolean isNominated() {
        return nominated;
    }

    /** {@link System#nanoTime()} of the last valid binding request (or of registration). */
    public long lastConsentNanos() {
        return lastConsentNanos;
    }

    public boolean isConsentExpired() {
        return expired;
    }

    /**
     * Sends a packet (remaining bytes) to the selected path without blocking. Drops it, returning false, before a
     * path exists, after consent expired (RFC 7675 §5.1 forbids sending then) or after unregistration.
     */
    public boolean send(ByteBuffer packet) {
        IcePath path = selectedPath;
        if (path == null || expired || closed) {
            return false;
        }
        return path.send(packet);
    }

    IceSessionListener listener() {
        return listener;
    }

    Credentials credentialsInternal() {
        return credentials;
    }

    void replaceCredentials(Credentials fresh) {
        this.credentials = fresh;
    }

    /** Records a valid binding request on {@code path}; returns the path when the selection changed. */
    IcePath onValidBindingRequest(IcePath path, StunMessage request, long nowNanos) {
        lastConsentNanos = nowNanos;
        if (path instanceof UdpPath) {
            udpAddresses.add(path.remoteAddress());
        } else if (path instanceof IceTcpConnection tcp) {
            tcpConnections.add(tcp);
        }
        IcePath current = selectedPath;
        // ICE-lite (RFC 8445 §7.3.1.5): the controlling peer's USE-CANDIDATE decides; until then, the first
        // validated path carries DTLS so the handshake can start.
        boolean nominate = request.hasUseCandidate();
        if (current == null || (nominate && !samePath(current, path))) {
            selectedPath = path;
            nominated |= nominate;
            return path;
        }
        nominated |= nominate;
        return null;
    }

    private static boolean samePath(IcePath a, IcePath b) {
        if (a instanceof UdpPath && b instanceof UdpPath) {
            return a.remoteAddress().equals(b.remoteAddress());
        }
        return a == b;
    }

    /** Marks consent expired once; returns true for the caller that did it. */
    synchronized boolean expireIfStale(long nowNanos, long timeoutNanos) {
        if (expired || closed || nowNanos - lastConsentNanos < timeoutNanos) {
            return false;
        }
        expired = true;
        return true;
    }

    Set<InetSocketAddress> udpAddresses() {
        return udpAddresses;
    }

    void forgetTcp(IceTcpConnection connection) {
        tcpConnections.remove(connection);
        if (selectedPath == connection) {
            selectedPath = null;
        }
    }

    void close() {
        closed = true;
        for (IceTcpConnection c : tcpConnections) {
            c.close();
        }
        tcpConnections.clear();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "IceSession[" + credentials.ufrag() + ", path=" + selectedPath + "]";
    }
}
