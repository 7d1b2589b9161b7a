package io.sightline.cluster.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;

/** The embedded Hazelcast member's configuration from our settings: TCP join from a list, one address, no extras. */
final class HazelcastConfig {
    /** Member attribute holding the node's name, so a member without a record yet is still listed by name. */
    static final String NODE_NAME = "sightline.node";

    private HazelcastConfig() {
    }

    static Config of(ClusterSettings settings, ClassLoader classLoader) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("sightline-" + settings.nodeName() + "-" + settings.port());
        // Hazelcast loads its own classes and ours through this loader; the thread's context loader is Karaf's.
        config.setClassLoader(classLoader);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", settings.bindAddress());
        // A failed node leaves after failure.detection.seconds without heartbeats (Hazelcast's default is 60 s).
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(settings.failureDetectionSeconds()));
        // Join quickly: the default waits 5 s before and up to 20 s during the join.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "2");
        config.getJetConfig().setEnabled(false);
        // The origin table must outlive the loss of its entries' owner: two backups survive two members failing at once.
        config.addMapConfig(new MapConfig(Origins.MAP).setBackupCount(2));
        config.getMemberAttributeConfig().setAttribute(NODE_NAME, settings.nodeName());
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(settings.bindAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return config;
    }
}
