package io.sightline.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the cluster ({@code etc/io.sightline.cluster.cfg}); without that file the node runs alone. */
@ObjectClassDefinition(name = "Sightline cluster",
        description = "Joins this node to other Sightline nodes (embedded Hazelcast, TCP from a member list, no "
                + "multicast) and publishes its streams, viewers and load to the cluster-wide directory. The cluster "
                + "port carries no media and no secrets but is not encrypted: keep it on a private network or a "
                + "tunnel (docs/decisions/0036). Any change restarts this node's membership.")
@interface ClusterConfiguration {
    @AttributeDefinition(name = "Cluster name",
            description = "Nodes join only a cluster of the same name (not a credential: see the description).")
    String cluster_name() default "sightline";

    @AttributeDefinition(name = "Node name", description = "How this node is listed; empty: the host name.")
    String node_name() default "";

    @AttributeDefinition(name = "Members",
            description = "Comma-separated host or host:port of the nodes to join, this one included or not.")
    String members();

    @AttributeDefinition(name = "Bind address",
            description = "The concrete address the cluster port listens on and other nodes reach this one at.")
    String bind_address() default "127.0.0.1";

    @AttributeDefinition(name = "Cluster port", description = "TCP port of the cluster protocol.")
    int port() default 5701;

    @AttributeDefinition(name = "HTTP URL",
            description = "Base URL other nodes and redirected viewers use to reach this node's HTTP server, e.g. "
                    + "http://10.0.0.2:8080; empty: http://<bind address>:<this server's HTTP port>.")
    String http_url() default "";

    @AttributeDefinition(name = "Failure detection (s)",
            description = "A node that sends no heartbeat for this long is declared dead and leaves the directory.")
    int failure_detection_seconds() default 5;

    @AttributeDefinition(name = "Re-homed source types",
            description = "Comma-separated source.type values whose streams move when this node fails: their whole "
                    + "stream configuration (secrets included) is replicated to the other nodes; a pull source is "
                    + "defined by one survivor (decision 0040), a whip stream by the node its publisher reaches "
                    + "(decision 0050). Empty: no stream is re-homed.")
    String rehome_source_types() default "rtsp,rtmp,srt,http,whip";

    @AttributeDefinition(name = "Relay idle time (s)", min = "1",
            description = "A stream this node relays from another node (its origin) because a viewer asked for it "
                    + "here is closed this long after its last viewer left (decision 0045).")
    int relay_idle_seconds() default 30;

    @AttributeDefinition(name = "Publish interval (s)",
            description = "How often this node publishes its streams, viewers and load.")
    int publish_interval_seconds() default 2;
}
