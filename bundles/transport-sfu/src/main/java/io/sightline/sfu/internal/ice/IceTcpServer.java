package io.sightline.sfu.internal.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passive ICE-TCP listener (RFC 6544): accepts connections and gives each an {@link IceTcpConnection}, which
 * must open with a valid binding request for a registered session.
 */
final class IceTcpServer {

    /** Receives each framed packet; the buffer is valid during the call only. */
    interface FrameHandler {
        void onFrame(IceTcpConnection connection, ByteBuffer frame);
    }

    private static final Logger LOG = LoggerFactory.getLogger(IceTcpServer.class);

    private final ServerSocket socket;
    private final FrameHandler handler;
    private final int maxConnections;
    private final Set<IceTcpConnection> connections = ConcurrentHashMap.newKeySet();
    private final LongAdder sendDropped = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final Thread acceptor;
    private volatile boolean running = true;

    IceTcpServer(IceServerConfig config, FrameHandler handler) throws IOException {
        this.handler = handler;
        this.maxConnections = config.maxTcpConnections();
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(config.bindAddress(), config.tcpPort()), 64);
        this.acceptor = IceServer.daemon(this::acceptLoop, "sightline-ice-tcp-" + socket.getLocalPort());
    }

    void start() {
        acceptor.start();
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    long sendDropped() {
        return sendDropped.sum();
    }

    /** Connections closed at once because the limit was reached. */
    long refused() {
        return refused.sum();
    }

    FrameHandler handler() {
        return handler;
    }

    void dropped() {
        sendDropped.increment();
    }

    void remove(IceTcpConnection connection) {
        connections.remove(connection);
    }

    void close() {
        running = false;
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing ICE-TCP listener", e);
        }
        for (IceTcpConnection c : connections) {
            c.close();
        }
    }

    private void acceptLoop() {
        while (running) {
            Socket accepted;
            try {
                accepted = socket.accept();
            } catch (SocketException e) {
                if (running) {
                    LOG.warn("ICE-TCP listener failed", e);
                }
                return;
            } catch (IOException e) {
                LOG.debug("ICE-TCP accept", e);
                continue;
            }
            if (connections.size() >= maxConnections && !evictOldestUnbound()) {
                refused.increment();
                LOG.debug("ICE-TCP connection limit {} reached, refusing {}", maxConnections,
                        accepted.getRemoteSocketAddress());
                closeQuietly(accepted);
                continue;
            }
            try {
                IceTcpConnection connection = new IceTcpConnection(this, accepted);
                connections.add(connection);
                connection.start();
            } catch (IOException e) {
                closeQuietly(accepted);
            }
        }
    }

    /**
     * At the limit, the connection that has waited longest without a valid binding request makes room: connections
     * that never authenticate (a flood of silent ones) cannot lock out a viewer, who sends its binding request
     * right after connecting and is then bound and never evicted. False when every connection is bound.
     */
    private boolean evictOldestUnbound() {
        IceTcpConnection oldest = null;
        for (IceTcpConnection c : connections) {
            if (c.session() == null && (oldest == null || c.acceptedNanos() - oldest.acceptedNanos() < 0)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        evicted.increment();
        oldest.close();
        return true;
    }

    /** Unbound connections closed to make room for a new one. */
    long evicted() {
        return evicted.sum();
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
