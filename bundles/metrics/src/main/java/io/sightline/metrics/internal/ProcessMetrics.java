package io.sightline.metrics.internal;

import io.sightline.metrics.internal.TextExposition.Type;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Process and JVM families under the names Prometheus' own clients use ({@code process_*}, {@code jvm_*}), so
 * existing dashboards work. CPU time is read as an MBean attribute rather than through
 * {@code com.sun.management}, which the OSGi framework need not export; resident memory comes from
 * {@code /proc/self/status} and is left out where there is none.
 */
final class ProcessMetrics {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final ObjectName os;

    ProcessMetrics() {
        try {
            os = new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    void write(TextExposition out) {
        long cpuNanos = processCpuNanos();
        if (cpuNanos >= 0) {
            out.family("process_cpu_seconds_total", Type.COUNTER, "CPU time used by the process (user and system).");
            out.sample(cpuNanos / 1e9);
        }
        long rss = residentBytes(PROC_STATUS);
        if (rss >= 0) {
            out.family("process_resident_memory_bytes", Type.GAUGE, "Resident set size of the process.");
            out.sample(rss);
        }
        out.family("process_start_time_seconds", Type.GAUGE, "Start time of the process, seconds since the epoch.");
        out.sample(runtime.getStartTime() / 1000.0);
        out.family("jvm_memory_used_bytes", Type.GAUGE, "Used JVM memory by area.");
        out.sample(memory.getHeapMemoryUsage().getUsed(), "area", "heap");
        out.sample(memory.getNonHeapMemoryUsage().getUsed(), "area", "nonheap");
        out.family("jvm_threads_live_threads", Type.GAUGE, "Live JVM threads, daemon and not.");
        out.sample(threads.getThreadCount());
        out.family("sightline_uptime_seconds", Type.GAUGE, "Time since the JVM started.");
        out.sample(runtime.getUptime() / 1000.0);
    }

    private long processCpuNanos() {
        try {
            Object v = server.getAttribute(os, "ProcessCpuTime");
            return v instanceof Long n ? n : -1;
        } catch (Exception e) {
            return -1; // not a HotSpot-style JVM: leave the family out rather than report 0
        }
    }

    /** {@code VmRSS} from a {@code /proc/<pid>/status} file, in bytes; -1 when absent. */
    static long residentBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    long kb = Long.parseLong(parts[0]);
                    return kb * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no procfs (not Linux) or an unexpected layout: no figure is better than a wrong one
        }
        return -1;
    }
}
