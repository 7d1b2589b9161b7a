package io.sightline.sfu.internal.ice;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted ICE-TCP connection, framed per RFC 4571 (a 2-byte length before each packet). A reader thread
 * delivers frames; a writer thread drains a bounded queue so {@link #send} never blocks the caller on a slow peer.
 */
final class IceTcpConnection implements IcePath {

    private static final Logger LOG = LoggerFactory.getLogger(IceTcpConnection.class);
    /** A peer gets this long to send its first binding request. */
    static final int FIRST_FRAME_TIMEOUT_MILLIS = 10_000;
    private static final int SEND_QUEUE_PACKETS = 512;
    private static final byte[] POISON = new byte[0];

    private final IceTcpServer owner;
    private final Socket socket;
    private final InetSocketAddress remote;
    private final BlockingQueue<byte[]> sendQueue = new ArrayBlockingQueue<>(SEND_QUEUE_PACKETS);
    private final Thread reader;
    private final Thread writer;
    private final long acceptedNanos = System.nanoTime();
    private volatile IceSession session;
    private volatile boolean closed;

    IceTcpConnection(IceTcpServer owner, Socket socket) throws IOException {
        this.owner = owner;
        this.socket = socket;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(FIRST_FRAME_TIMEOUT_MILLIS);
        this.reader = IceServer.daemon(this::readLoop, "sightline-ice-tcp-read-" + remote);
        this.writer = IceServer.daemon(this::writeLoop, "sightline-ice-tcp-write-" + remote);
    }

    void start() {
        reader.start();
        writer.start();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String protocol() {
        return "tcp";
    }

    IceSession session() {
        return session;
    }

    long acceptedNanos() {
        return acceptedNanos;
    }

    /** Binds the connection to the session its first valid binding request named. */
    void bind(IceSession target) {
        if (session == null) {
            session = target;
            try {
                socket.setSoTimeout(0); // bound: consent freshness now decides when it is dead
            } catch (IOException e) {
                close();
            }
        }
    }

    @Override
    public boolean send(ByteBuffer packet) {
        int length = packet.remaining();
        if (closed || length > 0xFFFF) {
            owner.dropped();
            return false;
        }
        byte[] frame = new byte[2 + length];
        frame[0] = (byte) (length >>> 8);
        frame[1] = (byte) length;
        packet.duplicate().get(frame, 2, length);
        if (!sendQueue.offer(frame)) {
            owner.dropped();
            return false;
        }
        return true;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        IceTcpServer.closeQuietly(socket);
        sendQueue.clear();
        sendQueue.offer(POISON);
        owner.remove(this);
        IceSession s = session;
        if (s != null) {
            s.forgetTcp(this);
        }
    }

    private void readLoop() {
        byte[] frame = new byte[0xFFFF];
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (!closed) {
                int length = in.readUnsignedShort();
                in.readFully(frame, 0, length);
                owner.handler().onFrame(this, ByteBuffer.wrap(frame, 0, length));
            }
        } catch (SocketTimeoutException e) {
            LOG.debug("ICE-TCP {} sent no binding request in time", remote);
        } catch (EOFException e) {
            LOG.debug("ICE-TCP {} closed by peer", remote);
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.debug("ICE-TCP {} read failed: {}", remote, e.toString());
            }
        } finally {
            close();
        }
    }

    private void writeLoop() {
        try {
            OutputStream out = socket.getOutputStream();
            while (true) {
                byte[] frame = sendQueue.take();
                if (frame == POISON || closed) {
                    return;
                }
                out.write(frame);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("ICE-TCP {} write failed: {}", remote, e.toString());
            }
        } finally {
            close();
        }
    }

    @Override
    public String toString() {
        return "tcp:" + remote;
    }
}
