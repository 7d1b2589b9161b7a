package io.sightline.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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
    /** Members listen on 22000-31999: no other test binds there, and outgoing connections never take them. */
    private static final int FIRST_PORT = 22_000;
    private static final int PORT_SPAN = 10_000;

    private final String clusterName;
    private final List<NodeDirectory> started = new ArrayList<>();

    LoopbackCluster(String prefix) {
        this.clusterName = prefix + "-" + ProcessHandle.current().pid();
    }

    /**
     * Free loopback ports for {@code count} members, below the kernel's ephemeral range (32768-60999 on Linux). A
     * port the kernel handed out as free (port 0) can be taken, before the member binds it, as the source port of
     * any outgoing connection, such as another member's; one CI run failed so ("Port [42359] is already in use").
     */
    static int[] ports(int count) {
        int[] ports = new int[count];
        int found = 0;
        while (found < count) {
            int candidate = FIRST_PORT + ThreadLocalRandom.current().nextInt(PORT_SPAN);
            if (!contains(ports, found, candidate) && bindable(candidate)) {
                ports[found++] = candidate;
            }
        }
        return ports;
    }

    private static boolean contains(int[] ports, int count, int port) {
        for (int i = 0; i < count; i++) {
            if (ports[i] == port) {
                return true;
            }
        }
        return false;
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException inUse) {
            return false;
        }
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
