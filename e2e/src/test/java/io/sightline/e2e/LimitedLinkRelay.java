package io.sightline.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.ArrayDeque;

/**
 * A UDP relay on loopback with a token bucket on the server-to-viewer direction (the Java twin of
 * {@code benchmarks/impair}'s {@code rate=K}): a viewer sends to it, it forwards to the server from a socket of its
 * own, and the server's packets go back at most at {@link #rateKbps(int)}, after a queue of at most 200 ms with tail
 * drop. The rate can change while it runs. One viewer at a time (the last address that sent).
 */
final class LimitedLinkRelay implements AutoCloseable {
    private static final long QUEUE_NANOS = 200_000_000L;
    private final DatagramSocket viewerSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private final ArrayDeque<DatagramPacket> queue = new ArrayDeque<>();
    private volatile SocketAddress viewer;
    private volatile int rateKbps;
    private long queuedBytes;
    private long dropped;
    private final Thread up;
    private final Thread down;
    private final Thread pacer;

    LimitedLinkRelay(InetSocketAddress server, int rateKbps) throws SocketException {
        this.server = server;
        this.rateKbps = rateKbps;
        viewerSide = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        serverSide = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        up = daemon("relay-up", this::upLoop);
        down = daemon("relay-down", this::downLoop);
        pacer = daemon("relay-pacer", this::paceLoop);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    int port() {
        return viewerSide.getLocalPort();
    }

    void rateKbps(int kbps) {
        rateKbps = kbps;
    }

    synchronized long dropped() {
        return dropped;
    }

    private void upLoop() {
        byte[] buf = new byte[2048];
        while (!viewerSide.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                viewerSide.receive(p);
                viewer = p.getSocketAddress();
                serverSide.send(new DatagramPacket(p.getData(), p.getLength(), server));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void downLoop() {
        while (!serverSide.isClosed()) {
            try {
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                serverSide.receive(p);
                synchronized (this) {
                    // Tail drop: what would wait longer than the queue's 200 ms at the current rate is lost.
                    long limit = (long) rateKbps * 1000 / 8 * QUEUE_NANOS / 1_000_000_000L;
                    if (queuedBytes + p.getLength() > Math.max(limit, 3000)) {
                        dropped++;
                        continue;
                    }
                    queue.add(p);
                    queuedBytes += p.getLength();
                    notifyAll();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends the queue's head when the bucket has its bytes: bytes earned at the rate, at most 3000 saved up. */
    private void paceLoop() {
        double tokens = 3000;
        long last = System.nanoTime();
        while (!viewerSide.isClosed()) {
            DatagramPacket p;
            synchronized (this) {
                while (queue.isEmpty() && !viewerSide.isClosed()) {
                    try {
                        wait(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                p = queue.peek();
            }
            if (p == null) {
                return;
            }
            long now = System.nanoTime();
            tokens = Math.min(3000, tokens + (now - last) * (rateKbps * 1000.0 / 8) / 1e9);
            last = now;
            if (tokens < p.getLength()) {
                long waitNanos = (long) ((p.getLength() - tokens) / (rateKbps * 1000.0 / 8) * 1e9);
                java.util.concurrent.locks.LockSupport.parkNanos(Math.max(200_000, waitNanos));
                continue;
            }
            tokens -= p.getLength();
            synchronized (this) {
                queue.poll();
                queuedBytes -= p.getLength();
            }
            SocketAddress to = viewer;
            if (to != null) {
                try {
                    viewerSide.send(new DatagramPacket(p.getData(), p.getLength(), to));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        viewerSide.close();
        serverSide.close();
        synchronized (this) {
            notifyAll();
        }
    }
}
