package io.sightline.cluster.internal;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples this node's streams, viewers, egress and CPU for its record. Egress is the bytes the sessions sent since
 * the previous sample; CPU the process's user+system time from {@code /proc/self/stat} over the same time. One
 * instance, called from the publisher thread only.
 */
final class LocalLoad {
    /** Linux reports process times in clock ticks; 100 per second on every kernel configuration we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private Map<String, Long> bytesBySession = new HashMap<>();
    private long lastNanos = System.nanoTime();
    private long lastTicks = cpuTicks();

    NodeRecord sample(ClusterSettings settings, StreamRegistry streams, SessionRegistry sessions) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        List<ViewerSession> current = sessions.sessions();
        Map<String, Long> bytes = new HashMap<>(current.size() * 2);
        long sent = 0;
        for (ViewerSession session : current) {
            long total = session.stats().bytesSent();
            bytes.put(session.id(), total);
            sent += Math.max(0, total - bytesBySession.getOrDefault(session.id(), 0L));
        }
        bytesBySession = bytes;
        long ticks = cpuTicks();
        double cpu = ticks < 0 || lastTicks < 0 ? -1 : (ticks - lastTicks) / TICKS_PER_SECOND / seconds * 100;
        lastTicks = ticks;
        List<NodeRecord.StreamEntry> entries = streams.streams().stream().map(LocalLoad::entry).toList();
        return new NodeRecord(settings.nodeName(), settings.httpUrl(), entries, current.size(),
                Math.round(sent * 8 / 1000.0 / seconds), Math.round(cpu * 10) / 10.0, System.currentTimeMillis());
    }

    /** Access settings are published only where they differ from the default, to keep records small. */
    private static NodeRecord.StreamEntry entry(Stream stream) {
        Map<String, Object> p = stream.properties();
        String access = String.valueOf(p.getOrDefault(Stream.ACCESS, "token")).trim();
        Object publicFrom = p.get(RelayKeeper.PUBLIC_FROM);
        return new NodeRecord.StreamEntry(stream.name(), stream.status().state().name().toLowerCase(),
                stream.viewerCount(), RelayKeeper.isRelay(p), access.equals("token") ? null : access,
                publicFrom == null || publicFrom.toString().isBlank() ? null : publicFrom.toString().trim());
    }

    /** utime + stime of this process, or -1 where /proc is not there. */
    static long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name (field 2) may contain spaces; fields are counted after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
