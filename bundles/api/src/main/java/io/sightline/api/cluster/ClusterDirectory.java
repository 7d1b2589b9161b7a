package io.sightline.api.cluster;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The members of the cluster this node belongs to; a service only while the node is a member of one. */
@ProviderType
public interface ClusterDirectory {
    /** The name of the cluster. */
    String clusterName();

    /** Every current member, this node first. */
    List<ClusterNode> nodes();

    /** How many members the configuration lists (fewer current members means some are down). */
    int configuredMembers();

    /** The pull sources known to the cluster with the node that reads each, sorted by stream name. */
    default List<ClusterOrigin> origins() {
        return List.of();
    }
}
