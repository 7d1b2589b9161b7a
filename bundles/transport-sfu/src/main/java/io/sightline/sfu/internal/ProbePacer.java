package io.sightline.sfu.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the viewers' probe clusters at their target rates (decision 0044). The media a viewer gets leaves in bursts,
 * one picture at a time, on the stream's fan-out thread, which cannot wait between packets; a probe must be spread
 * over its duration at its rate, or it measures the sender's burst instead of the path. One thread
 * ({@code sightline-sfu-probe}) for all viewers: clusters are short (50-100 ms) and rare (one per viewer every few
 * seconds at most, only for viewers below their top rung), and each packet is a few microseconds of work. Packets of
 * several clusters interleave; nothing is allocated per packet.
 */
final class ProbePacer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbePacer.class);
    /** Clusters under way at once, all viewers together; more are refused (the viewer counts it as a failed probe). */
    static final int MAX_CLUSTERS = 64;
    /**
     * A packet due within this much is sent now: a parked thread wakes late (more so on a busy machine), and a late
     * end stretches the cluster, so its measured send rate, and with it the probe's result, would come out low.
     */
    static final long EARLY_NANOS = 1_000_000;

    /** What a probe is sent through: one viewer session. */
    interface Target {
        /** Sends one packet of probe cluster {@code cluster}: its size on the wire, or -1 when none could go. */
        int sendProbePacket(int cluster);

        /** The cluster is over: {@code packets} were sent. */
        void probeEnded(int cluster, int packets);
    }

    private static final class Cluster {
        final Target target;
        final int id;
        final long rateBps;
        final int bytes;
        final long startNanos;
        long sentBytes;
        int packets;

        Cluster(Target target, int id, long rateBps, int bytes, long startNanos) {
            this.target = target;
            this.id = id;
            this.rateBps = rateBps;
            this.bytes = bytes;
            this.startNanos = startNanos;
        }

        /** When the next packet is due: when what was sent so far, at the cluster's rate, would have taken. */
        long dueNanos() {
            return startNanos + sentBytes * 8_000_000_000L / rateBps;
        }
    }

    private final ConcurrentLinkedQueue<Cluster> incoming = new ConcurrentLinkedQueue<>();
    private final List<Cluster> active = new ArrayList<>(MAX_CLUSTERS);
    private final AtomicInteger underWay = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;

    ProbePacer() {
        thread = new Thread(this::run, "sightline-sfu-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Sends {@code bytes} of probe cluster {@code id} through {@code target} at {@code rateBps}, starting now.
     * Returns false when the cluster was refused (too many under way, or closed).
     */
    boolean start(Target target, int id, long rateBps, int bytes) {
        if (closed || rateBps <= 0 || bytes <= 0) {
            return false;
        }
        if (underWay.incrementAndGet() > MAX_CLUSTERS) {
            underWay.decrementAndGet();
            return false;
        }
        incoming.add(new Cluster(target, id, rateBps, bytes, System.nanoTime()));
        LockSupport.unpark(thread);
        return true;
    }

    private void run() {
        while (!closed) {
            for (Cluster c; (c = incoming.poll()) != null; ) {
                active.add(c);
            }
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (int i = active.size() - 1; i >= 0; i--) {
                Cluster c = active.get(i);
                if (sendDue(c, now)) {
                    active.remove(i);
                    underWay.decrementAndGet();
                    end(c);
                } else {
                    next = Math.min(next, c.dueNanos());
                }
            }
            if (active.isEmpty()) {
                LockSupport.park(this);
            } else if (next > now + EARLY_NANOS) {
                LockSupport.parkNanos(this, next - now - EARLY_NANOS);
            }
        }
    }

    /** Sends what is due of the cluster; true when it is over (all sent, or its viewer could send no more). */
    private static boolean sendDue(Cluster c, long now) {
        while (c.dueNanos() <= now + EARLY_NANOS) {
            int sent;
            try {
                sent = c.target.sendProbePacket(c.id);
            } catch (RuntimeException e) {
                LOG.debug("Probe packet failed", e);
                sent = -1;
            }
            if (sent <= 0) {
                return true;
            }
            c.sentBytes += sent;
            c.packets++;
            if (c.sentBytes >= c.bytes) {
                return true;
            }
        }
        return false;
    }

    private static void end(Cluster c) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Probe cluster {}: {} B in {} packets over {} us (planned {} us at {} kbit/s)", c.id, c.sentBytes,
                    c.packets, (System.nanoTime() - c.startNanos) / 1000, c.bytes * 8_000_000L / c.rateBps,
                    c.rateBps / 1000);
        }
        try {
            c.target.probeEnded(c.id, c.packets);
        } catch (RuntimeException e) {
            LOG.debug("Probe end failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
