package io.sightline.cluster.internal;

import java.util.List;

/**
 * What a node publishes about itself to the directory, as JSON (so no class of ours has to travel between JVMs).
 *
 * @param streams          the streams defined on the node
 * @param viewers          its viewer sessions, all streams together
 * @param egressKbps       what it sent to viewers over the last publish interval
 * @param cpuPercent       its process CPU over the last interval, in percent of one core; -1 when unknown
 * @param publishedMillis  when it was published, on the publisher's clock
 */
record NodeRecord(String name, String httpUrl, List<StreamEntry> streams, int viewers, long egressKbps,
        double cpuPercent, long publishedMillis) {

    /** One stream of the node: its name, state and viewers there. */
    record StreamEntry(String name, String state, int viewers) {
    }
}
