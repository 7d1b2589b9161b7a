package io.sightline.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Real embedded Hazelcast members on loopback for one test: free ports, the member list, the settings every cluster
 * test shares, and leaving afterwards (call {@link #leave()} from an {@code @AfterEach}).
 */
final class LoopbackCluster {
    /**
     * Tests publish a node's record by hand, once, where a node republishes it every interval. With a 1 s interval a
     * record counts as stale after 3 s and expires after 6 s, which a slow CI machine reached before the other member
     * first read it; 10 s gives 30 s, as long as any wait in these tests.
     */
    static final int PUBLISH_INTERVAL_SECONDS = 10;
    /** Hazelcast declares a silent member dead after this (the failure-detection tests wait for it). */
    static final int FAILURE_DETECTION_SECONDS = 4;

    private final String clusterName;
    private final List<NodeDirectory> started = new ArrayList<>();

    LoopbackCluster(String prefix) {
        this.clusterName = prefix + "-" + ProcessHandle.current().pid();
    }

    /** Free loopback ports for {@code count} members. */
    static int[] ports(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ports;
    }

    /** Starts member {@code name} on {@code port}, joining the members on all of {@code ports}. */
    NodeDirectory join(String name, int port, int[] ports, Set<String> rehomeSourceTypes, int relayIdleSeconds) {
        List<String> members = new ArrayList<>();
        for (int p : ports) {
            members.add("127.0.0.1:" + p);
        }
        NodeDirectory directory = NodeDirectory.join(new ClusterSettings(clusterName, name, members, "127.0.0.1", port,
                "http://127.0.0.1:9999/" + name, FAILURE_DETECTION_SECONDS, PUBLISH_INTERVAL_SECONDS,
                rehomeSourceTypes, relayIdleSeconds), LoopbackCluster.class.getClassLoader());
        started.add(directory);
        return directory;
    }

    void leave() {
        started.forEach(d -> {
            try {
                d.close();
            } catch (RuntimeException alreadyGone) {
                // a member the test terminated
            }
        });
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what);
            Thread.sleep(50);
        }
    }
}
