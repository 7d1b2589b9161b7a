package io.sightline.admin.api.internal;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server is using, sampled every {@value #PERIOD_SECONDS} s and kept in memory for 15 minutes (no database):
 * process CPU, heap, RSS, threads, open files, free disk where logs go, network out, and per stream the input
 * bitrate, frame rate and viewer count. One small daemon thread; a sample is a few /proc reads and MBean calls.
 */
final class ResourceMonitor implements AutoCloseable {
    static final int PERIOD_SECONDS = 5;
    static final int SAMPLES = 15 * 60 / PERIOD_SECONDS;
    private static final Logger LOG = LoggerFactory.getLogger(ResourceMonitor.class);

    /** One sample of the process. */
    record Sample(long time, double cpuPercent, long heapUsed, long heapMax, long rss, int threads, long openFiles,
            long diskFree, long netOutBps) {
    }

    /** One sample of a stream. */
    record StreamSample(long time, long bitrateBps, double fps, int viewers) {
    }

    private final StreamRegistry streams;
    private final Path logDir;
    private final ScheduledExecutorService timer;
    private final ArrayDeque<Sample> process = new ArrayDeque<>();
    private final Map<String, ArrayDeque<StreamSample>> perStream = new HashMap<>();
    private long lastTxBytes = -1;
    private long lastTxTime;

    ResourceMonitor(StreamRegistry streams, Path logDir) {
        this.streams = streams;
        this.logDir = logDir;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sightline-resources");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sampleSafely, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** The latest figures and the 15-minute series, as JSON-ready maps. */
    synchronized Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("periodSeconds", PERIOD_SECONDS);
        m.put("current", process.isEmpty() ? null : process.peekLast());
        m.put("process", List.copyOf(process));
        Map<String, Object> s = new LinkedHashMap<>();
        perStream.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> s.put(e.getKey(), List.copyOf(e.getValue())));
        m.put("streams", s);
        return m;
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.debug("resource sample failed", e);
        }
    }

    synchronized void sample() {
        long now = System.currentTimeMillis();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long tx = txBytes();
        long netOut = 0;
        if (tx >= 0 && lastTxBytes >= 0 && now > lastTxTime) {
            netOut = Math.max(0, (tx - lastTxBytes) * 8000 / (now - lastTxTime));
        }
        lastTxBytes = tx;
        lastTxTime = now;
        add(process, new Sample(now, cpuPercent(), heap.getUsed(), heap.getMax(), rss(),
                ManagementFactory.getThreadMXBean().getThreadCount(), openFiles(), diskFree(), netOut));
        List<String> seen = new ArrayList<>();
        for (Stream stream : streams.streams()) {
            seen.add(stream.name());
            add(perStream.computeIfAbsent(stream.name(), n -> new ArrayDeque<>()), new StreamSample(now,
                    stream.stats().inputBitrateBps(), Math.round(stream.stats().framesPerSecond() * 10) / 10.0,
                    stream.viewerCount()));
        }
        perStream.keySet().retainAll(seen);
    }

    private static <T> void add(ArrayDeque<T> series, T sample) {
        if (series.size() == SAMPLES) {
            series.removeFirst();
        }
        series.addLast(sample);
    }

    private static double cpuPercent() {
        Object v = osAttribute("ProcessCpuLoad");
        return v instanceof Double d && d >= 0 ? Math.round(d * 1000) / 10.0 : 0;
    }

    private static long openFiles() {
        Object v = osAttribute("OpenFileDescriptorCount");
        return v instanceof Long l ? l : -1;
    }

    /** Through JMX, so the bundle needs no com.sun.management import. */
    private static Object osAttribute(String name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            return server.getAttribute(new ObjectName("java.lang:type=OperatingSystem"), name);
        } catch (Exception e) {
            return null;
        }
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private long diskFree() {
        try {
            Path p = logDir;
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p == null ? -1 : Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Bytes sent by every interface of the server's network namespace (/proc/net/dev). */
    private static long txBytes() {
        try {
            long sum = 0;
            for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String[] f = line.substring(colon + 1).trim().split("\\s+");
                if (f.length > 8) {
                    sum += Long.parseLong(f[8]);
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
