package io.sightline.rtp.cc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Replays a recording of a real link (benchmarks/bwe {@code --record}: Sightline's SFU sending a 2 Mbit/s camera to
 * a headless Chromium through the benchmark's token bucket) into a {@link BandwidthEstimator}: every packet as it was
 * sent (the SFU's probe clusters as probes, see {@link #findProbeClusters}), and transport-cc feedback about every 100 ms of arrivals as a receiver sends it, reaching the sender
 * {@value #FEEDBACK_DELAY_MICROS} us later. The relay keeps packets in order, so a packet not arrived when a later
 * one has is lost for good.
 */
final class RecordedLink {
    static final long FEEDBACK_INTERVAL_MICROS = 100_000;
    static final long FEEDBACK_DELAY_MICROS = 1_000;

    /**
     * One packet: when it left, its transport-wide sequence number, size, when it arrived (-1: dropped), and whether
     * it went on an RTX SSRC (a probe or a retransmission).
     */
    record Packet(long sentMicros, int sequence, int bytes, long arrivalMicros, boolean rtx) {
    }

    /** RTX packets this close together form one probe cluster (the pacer spaces a cluster's packets 1-15 ms). */
    static final long PROBE_GAP_MICROS = 30_000;
    /** ... when there are at least this many: fewer are retransmissions answering a NACK. */
    static final int PROBE_MIN_PACKETS = 5;

    private final List<Packet> packets;
    /** Per packet, the index of its probe cluster in {@link #clusters}, or -1. */
    private final int[] clusterOf;
    /** Per probe cluster: {first packet index, last packet index, rate in bits per second}. */
    private final List<long[]> clusters = new ArrayList<>();
    private final List<long[]> estimates = new ArrayList<>();

    RecordedLink(String resource) {
        this.packets = read(resource);
        this.clusterOf = new int[packets.size()];
        findProbeClusters();
    }

    /**
     * The recording does not say which RTX packets were probes: runs of at least {@value #PROBE_MIN_PACKETS} RTX
     * packets less than {@value #PROBE_GAP_MICROS} us apart are (the pacer's clusters), with the rate they were sent
     * at as their target; lone RTX packets are retransmissions and count as media.
     */
    private void findProbeClusters() {
        java.util.Arrays.fill(clusterOf, -1);
        int first = -1;
        int last = -1;
        int count = 0;
        for (int i = 0; i <= packets.size(); i++) {
            Packet p = i < packets.size() ? packets.get(i) : null;
            if (p != null && !p.rtx()) {
                continue;
            }
            if (p != null && last >= 0 && p.sentMicros() - packets.get(last).sentMicros() < PROBE_GAP_MICROS) {
                last = i;
                count++;
                continue;
            }
            if (count >= PROBE_MIN_PACKETS) {
                addCluster(first, last);
            }
            first = i;
            last = i;
            count = 1;
        }
    }

    private void addCluster(int first, int last) {
        long bytes = 0;
        int n = 0;
        for (int i = first; i <= last; i++) {
            if (packets.get(i).rtx()) {
                bytes += packets.get(i).bytes();
                clusterOf[i] = clusters.size();
                n++;
            }
        }
        long span = packets.get(last).sentMicros() - packets.get(first).sentMicros();
        long perPacket = span / Math.max(1, n - 1);
        clusters.add(new long[] {first, last, bytes * 8_000_000 / Math.max(1, span + perPacket)});
    }

    int probeClusters() {
        return clusters.size();
    }

    /** Runs the whole recording; the estimate after each feedback is kept as {micros, bps}. */
    RecordedLink replay(BandwidthEstimator estimator) {
        int[] ids = new int[clusters.size()];
        int sent = 0;
        int reported = 0;
        long end = packets.get(packets.size() - 1).sentMicros() + 1_000_000;
        for (long feedback = FEEDBACK_INTERVAL_MICROS; feedback < end; feedback += FEEDBACK_INTERVAL_MICROS) {
            long arrivesAt = feedback + FEEDBACK_DELAY_MICROS;
            while (sent < packets.size() && packets.get(sent).sentMicros() <= arrivesAt) {
                send(estimator, sent++, ids);
            }
            int last = lastArrivedBy(reported, sent, feedback);
            if (last < reported) {
                continue; // nothing new arrived: a receiver sends no feedback then
            }
            for (int i = reported; i <= last; i++) {
                Packet p = packets.get(i);
                if (p.arrivalMicros() >= 0) {
                    estimator.packetArrived(p.sequence(), p.arrivalMicros());
                } else {
                    estimator.packetLost(p.sequence());
                }
            }
            reported = last + 1;
            estimator.feedbackComplete(arrivesAt);
            estimates.add(new long[] {arrivesAt, estimator.estimateBps()});
        }
        return this;
    }

    /** Sends packet {@code i}: media, or a probe packet of its cluster (started at its first, ended after its last). */
    private void send(BandwidthEstimator estimator, int i, int[] ids) {
        Packet p = packets.get(i);
        int c = clusterOf[i];
        if (c < 0) {
            estimator.packetSent(p.sequence(), p.bytes(), p.sentMicros());
            return;
        }
        long[] cluster = clusters.get(c);
        if (i == cluster[0]) {
            ids[c] = estimator.startProbe(cluster[2]);
        }
        estimator.probeSent(p.sequence(), p.bytes(), ids[c], p.sentMicros());
        if (i == cluster[1]) {
            int n = 0;
            for (int k = (int) cluster[0]; k <= cluster[1]; k++) {
                n += clusterOf[k] == c ? 1 : 0;
            }
            estimator.probeEnded(ids[c], n, p.sentMicros());
        }
    }

    /** The index of the last packet among [from, to) that had arrived by {@code micros}, or from - 1. */
    private int lastArrivedBy(int from, int to, long micros) {
        int last = from - 1;
        for (int i = from; i < to; i++) {
            long a = packets.get(i).arrivalMicros();
            if (a >= 0 && a <= micros) {
                last = i;
            }
        }
        return last;
    }

    /** The estimates between two times (seconds of the recording). */
    long[] estimatesBetween(double fromSeconds, double toSeconds) {
        return estimates.stream().filter(e -> e[0] >= fromSeconds * 1e6 && e[0] < toSeconds * 1e6)
                .mapToLong(e -> e[1]).toArray();
    }

    /** The first time (seconds) from {@code fromSeconds} at which the estimate is within [low, high], or NaN. */
    double firstWithin(double fromSeconds, long low, long high) {
        return estimates.stream().filter(e -> e[0] >= fromSeconds * 1e6 && e[1] >= low && e[1] <= high)
                .mapToDouble(e -> e[0] / 1e6).findFirst().orElse(Double.NaN);
    }

    /** When (seconds) the first packet sent after {@code fromSeconds} was dropped, or NaN. */
    double firstDropAfter(double fromSeconds) {
        return packets.stream().filter(p -> p.sentMicros() >= fromSeconds * 1e6 && p.arrivalMicros() < 0)
                .mapToDouble(p -> p.sentMicros() / 1e6).findFirst().orElse(Double.NaN);
    }

    /** The fraction of all packets the link dropped. */
    double lossFraction() {
        return (double) packets.stream().filter(p -> p.arrivalMicros() < 0).count() / packets.size();
    }

    private static List<Packet> read(String resource) {
        List<Packet> out = new ArrayList<>();
        try (InputStream raw = RecordedLink.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalArgumentException("no recording " + resource);
            }
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split(" ");
                out.add(new Packet(Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                        Long.parseLong(f[3]), f.length > 4 && f[4].equals("1")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The recorder writes a packet when the link lets it out or drops it: back into sending order.
        out.sort(java.util.Comparator.comparingLong(Packet::sentMicros));
        return out;
    }
}
