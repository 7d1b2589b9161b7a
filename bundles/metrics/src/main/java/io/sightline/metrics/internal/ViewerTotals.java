package io.sightline.metrics.internal;

import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per stream and transport sums of viewer counters that stay monotonic when viewers leave: the last figures seen of a
 * session that has closed are kept in a retired sum, so {@code rate()} does not see a counter reset each time a
 * viewer goes. Sessions are only known through scrapes, so whatever a session sent between the last scrape and its
 * close is not counted, and a session shorter than one scrape interval is not seen at all.
 *
 * <p>A session's {@link ViewerSession#stats()} is asked at most once per {@code statsInterval}: some transports
 * (P2P) gather stats from native code and wait for them. Not thread-safe; the caller serialises scrapes.
 */
final class ViewerTotals {
    /** Where a group of viewers belongs. */
    record Key(String stream, String transport) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = stream.compareTo(o.stream);
            return c != 0 ? c : transport.compareTo(o.transport);
        }
    }

    /** Sums of one group. */
    static final class Sums {
        long live;
        long sessions;
        long packetsSent;
        long bytesSent;
        long packetsDropped;
        long packetsLost;
        long nacks;
        long keyframeRequests;
        /** The bandwidth estimates (bits per second) of the live sessions that have one: not summed, not retired. */
        final List<Long> estimates = new ArrayList<>();

        /** The estimate below which this fraction of the live sessions' estimates lie (0: the lowest), or -1. */
        long estimateQuantile(double q) {
            if (estimates.isEmpty()) {
                return -1;
            }
            List<Long> sorted = new ArrayList<>(estimates);
            Collections.sort(sorted);
            return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
        }

        private void add(ViewerStats s) {
            packetsSent += s.packetsSent();
            bytesSent += s.bytesSent();
            packetsDropped += s.packetsDropped();
            packetsLost += s.packetsLost();
            nacks += s.nacksReceived();
            keyframeRequests += s.keyframeRequests();
        }

        private void addCounters(Sums o) {
            sessions += o.sessions;
            packetsSent += o.packetsSent;
            bytesSent += o.bytesSent;
            packetsDropped += o.packetsDropped;
            packetsLost += o.packetsLost;
            nacks += o.nacks;
            keyframeRequests += o.keyframeRequests;
        }
    }

    private static final class Seen {
        final Key key;
        ViewerStats stats = ViewerStats.EMPTY;
        long sampledNanos;
        boolean sampled;

        Seen(Key key) {
            this.key = key;
        }
    }

    private final long statsIntervalNanos;
    private final Map<String, Seen> seen = new HashMap<>();
    private final Map<Key, Sums> retired = new HashMap<>();

    ViewerTotals(long statsIntervalMillis) {
        this.statsIntervalNanos = Math.max(0, statsIntervalMillis) * 1_000_000L;
    }

    /**
     * Takes in the live sessions and returns the sums per group, sorted by stream then transport.
     *
     * @param streams names of the defined streams; retired sums of other streams are forgotten
     */
    Map<Key, Sums> update(List<ViewerSession> live, Set<String> streams, long nowNanos) {
        Map<Key, Sums> result = new TreeMap<>();
        Set<String> ids = new HashSet<>(live.size() * 2);
        for (ViewerSession session : live) {
            String id = session.id();
            if (!ids.add(id)) {
                continue;
            }
            Seen s = seen.get(id);
            if (s == null) {
                s = new Seen(new Key(session.streamName(), session.transportMode()));
                seen.put(id, s);
                retired.computeIfAbsent(s.key, k -> new Sums()).sessions++;
            }
            if (!s.sampled || nowNanos - s.sampledNanos >= statsIntervalNanos) {
                s.stats = statsOf(session, s.stats);
                s.sampledNanos = nowNanos;
                s.sampled = true;
            }
            Sums sums = result.computeIfAbsent(s.key, k -> new Sums());
            sums.live++;
            sums.add(s.stats);
            if (s.stats.bandwidthEstimateBps() > 0) {
                sums.estimates.add(s.stats.bandwidthEstimateBps());
            }
        }
        for (Iterator<Map.Entry<String, Seen>> it = seen.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Seen> e = it.next();
            if (!ids.contains(e.getKey())) {
                retired.computeIfAbsent(e.getValue().key, k -> new Sums()).add(e.getValue().stats);
                it.remove();
            }
        }
        retired.keySet().removeIf(k -> !streams.contains(k.stream()) && !result.containsKey(k));
        retired.forEach((k, r) -> result.computeIfAbsent(k, x -> new Sums()).addCounters(r));
        return result;
    }

    private static ViewerStats statsOf(ViewerSession session, ViewerStats previous) {
        try {
            ViewerStats s = session.stats();
            return s == null ? previous : s;
        } catch (RuntimeException e) {
            return previous; // a session closing under us; its last figures stand
        }
    }
}
