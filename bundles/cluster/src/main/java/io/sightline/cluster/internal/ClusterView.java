package io.sightline.cluster.internal;

import java.util.List;

/** The members of the cluster and what each published; registered for the shell command of this bundle. */
interface ClusterView {
    /** Every current member, this node first. */
    List<NodeView> nodes();

    /** How many members the configuration lists. */
    int configuredMembers();

    /** How long a record may be before it counts as stale. */
    long staleAfterMillis();
}
