package io.sightline.cluster.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster settings, checked once: a bad value refuses the whole configuration with a message naming the key.
 *
 * @param members the configured members, never empty
 * @param rehomeSourceTypes the {@code source.type}s of streams re-homed when their node fails (decision 0040)
 * @param relayIdleSeconds how long a relay outlives its last viewer (decision 0045)
 */
record ClusterSettings(String clusterName, String nodeName, List<String> members, String bindAddress, int port,
        String httpUrl, int failureDetectionSeconds, int publishIntervalSeconds, Set<String> rehomeSourceTypes, int relayIdleSeconds) {

    static ClusterSettings of(ClusterConfiguration c, int httpPort) {
        List<String> members = c.members() == null ? List.of() : Arrays.stream(c.members().split(","))
                .map(String::trim).filter(m -> !m.isEmpty()).toList();
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members: at least one host or host:port is required");
        }
        String bind = c.bind_address() == null ? "" : c.bind_address().trim();
        if (bind.isEmpty() || bind.equals("0.0.0.0") || bind.equals("::")) {
            throw new IllegalArgumentException("bind.address: a concrete address is required, not '" + bind + "'");
        }
        require(c.port() > 0 && c.port() < 65536, "port", c.port());
        require(c.failure_detection_seconds() >= 2, "failure.detection.seconds", c.failure_detection_seconds());
        require(c.publish_interval_seconds() >= 1, "publish.interval.seconds", c.publish_interval_seconds());
        require(c.relay_idle_seconds() >= 1, "relay.idle.seconds", c.relay_idle_seconds());
        String name = c.node_name() == null || c.node_name().isBlank() ? hostName() : c.node_name().trim();
        String url = c.http_url() == null || c.http_url().isBlank() ? "http://" + hostForUrl(bind) + ":" + httpPort
                : c.http_url().trim().replaceAll("/+$", "");
        String clusterName = c.cluster_name() == null || c.cluster_name().isBlank() ? "sightline" : c.cluster_name();
        Set<String> rehome = c.rehome_source_types() == null ? Set.of() : Arrays.stream(c.rehome_source_types()
                .split(",")).map(String::trim).filter(t -> !t.isEmpty()).collect(Collectors.toUnmodifiableSet());
        return new ClusterSettings(clusterName, name, members, bind, c.port(), url, c.failure_detection_seconds(),
                c.publish_interval_seconds(), rehome, c.relay_idle_seconds());
    }

    private static void require(boolean ok, String key, int value) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": " + value + " is out of range");
        }
    }

    private static String hostForUrl(String address) {
        return address.contains(":") ? "[" + address + "]" : address;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node";
        }
    }
}
