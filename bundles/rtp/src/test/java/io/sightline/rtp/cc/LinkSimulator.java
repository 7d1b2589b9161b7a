package io.sightline.rtp.cc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;

/**
 * A synthetic sender, bottleneck link and transport-cc receiver driving a {@link BandwidthEstimator} in simulated
 * time (1 ms steps): a stream at a fixed rate, 30 frames a second, each frame sent as one burst of packets of at most
 * 1200 bytes; a link that loses packets at random, then serialises them at its capacity through a drop-tail queue,
 * then delays them; a receiver that sends feedback about everything it got every 100 ms, which reaches the sender
 * one path delay later. This is the model the estimator is built for, not a recording: the figures it is checked
 * against (capacity, queue, loss) are known exactly.
 */
final class LinkSimulator {
    static final int FPS = 30;
    static final int MTU = 1200;
    static final long FEEDBACK_INTERVAL_MICROS = 100_000;

    private final BandwidthEstimator estimator;
    private final long streamBps;
    /** Capacity in bits per second as a function of simulated time in microseconds. */
    private final LongUnaryOperator capacityBps;
    private final long queueMicros;
    private final long delayMicros;
    private final double randomLoss;
    private final Random random;

    private long now;
    private int nextSeq;
    private long linkFreeAt;
    /** Packets on their way: sequence, arrival time (micros); -1 arrival = dropped. */
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
    private final List<long[]> arrived = new ArrayList<>();
    private final ArrayDeque<Runnable> feedbackDue = new ArrayDeque<>();
    private final ArrayDeque<Long> feedbackDueAt = new ArrayDeque<>();
    private long nextFeedback = FEEDBACK_INTERVAL_MICROS;
    /** Probe packets waiting for their send time: {due micros, size, cluster, last of its cluster ? packets : 0}. */
    private final ArrayDeque<long[]> probeDue = new ArrayDeque<>();
    /** Every 100 ms of simulated time: {time micros, estimate bps}. */
    final List<long[]> estimates = new ArrayList<>();

    LinkSimulator(BandwidthEstimator estimator, long streamBps, LongUnaryOperator capacityBps, long queueMs,
            long delayMs, double randomLoss, long seed) {
        this.estimator = estimator;
        this.streamBps = streamBps;
        this.capacityBps = capacityBps;
        this.queueMicros = queueMs * 1000;
        this.delayMicros = delayMs * 1000;
        this.randomLoss = randomLoss;
        this.random = new Random(seed);
    }

    /** Runs until {@code untilMicros} of simulated time. */
    void runUntil(long untilMicros) {
        long frameInterval = 1_000_000 / FPS;
        for (; now < untilMicros; now += 1000) {
            if (now % frameInterval < 1000) {
                sendFrame();
            }
            while (!probeDue.isEmpty() && probeDue.peek()[0] <= now) {
                sendProbePacket(probeDue.poll());
            }
            while (!feedbackDueAt.isEmpty() && feedbackDueAt.peek() <= now) {
                feedbackDueAt.poll();
                feedbackDue.poll().run();
            }
            if (now >= nextFeedback) {
                nextFeedback += FEEDBACK_INTERVAL_MICROS;
                sendFeedback();
            }
            if (now % 100_000 == 0) {
                estimates.add(new long[] {now, estimator.estimateBps()});
            }
        }
    }

    private void sendFrame() {
        long frameBytes = streamBps / 8 / FPS;
        while (frameBytes > 0) {
            int size = (int) Math.min(MTU, frameBytes);
            frameBytes -= size;
            int seq = nextSeq++ & 0xffff;
            estimator.packetSent(seq, size, now);
            inFlight.add(new long[] {seq, link(size)});
        }
    }

    /**
     * Starts a probe cluster now: {@code bytes} in packets of at most {@link #MTU} bytes, paced at {@code rateBps}
     * (to the millisecond, as the simulation steps), alongside the stream. Returns the cluster's id.
     */
    int probe(long rateBps, int bytes) {
        int cluster = estimator.startProbe(rateBps);
        int packets = (bytes + MTU - 1) / MTU;
        long offsetBits = 0;
        for (int i = 0; i < packets; i++) {
            int size = Math.min(MTU, bytes - i * MTU);
            long due = now + offsetBits * 1_000_000 / rateBps;
            probeDue.add(new long[] {due, size, cluster, i == packets - 1 ? packets : 0});
            offsetBits += size * 8L;
        }
        return cluster;
    }

    private void sendProbePacket(long[] p) {
        int seq = nextSeq++ & 0xffff;
        estimator.probeSent(seq, (int) p[1], (int) p[2], now);
        inFlight.add(new long[] {seq, link((int) p[1])});
        if (p[3] > 0) {
            estimator.probeEnded((int) p[2], (int) p[3], now);
        }
    }

    /** When a packet sent now arrives, or -1 if the link drops it. */
    private long link(int size) {
        if (random.nextDouble() < randomLoss) {
            return -1;
        }
        long start = Math.max(now, linkFreeAt);
        if (start - now > queueMicros) {
            return -1; // the queue is full: tail drop
        }
        linkFreeAt = start + size * 8_000_000L / capacityBps.applyAsLong(now);
        return linkFreeAt + delayMicros;
    }

    /** Feedback on every packet up to the last one arrived; it reaches the sender one path delay later. */
    private void sendFeedback() {
        List<long[]> covered = new ArrayList<>();
        long lastArrived = -1;
        for (long[] p : inFlight) {
            if (p[1] >= 0 && p[1] <= now) {
                lastArrived = p[0];
            }
        }
        if (lastArrived < 0) {
            return;
        }
        while (!inFlight.isEmpty()) {
            long[] p = inFlight.poll();
            covered.add(p);
            if (p[0] == lastArrived) {
                break;
            }
        }
        feedbackDueAt.add(now + delayMicros);
        feedbackDue.add(() -> {
            for (long[] p : covered) {
                if (p[1] < 0) {
                    estimator.packetLost((int) p[0]);
                } else {
                    estimator.packetArrived((int) p[0], p[1]);
                }
            }
            estimator.feedbackComplete(now);
        });
    }

    /** The estimates between two times (seconds), in bits per second. */
    long[] estimatesBetween(double fromSeconds, double toSeconds) {
        return estimates.stream().filter(e -> e[0] >= fromSeconds * 1e6 && e[0] < toSeconds * 1e6)
                .mapToLong(e -> e[1]).toArray();
    }

    /** The first time (seconds) at or after {@code fromSeconds} when the estimate is within [low, high]. */
    double firstWithin(double fromSeconds, long low, long high) {
        for (long[] e : estimates) {
            if (e[0] >= fromSeconds * 1e6 && e[1] >= low && e[1] <= high) {
                return e[0] / 1e6;
            }
        }
        return Double.NaN;
    }

    static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
