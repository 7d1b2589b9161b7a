package io.sightline.api.cluster;

import java.util.List;

/**
 * One member of the cluster as this node sees it. The published figures are -1 (or null) until the member has
 * published its first record.
 *
 * @param id         the member's id in the cluster
 * @param name       its node name
 * @param address    its cluster address (host:port)
 * @param local      whether it is this node
 * @param fresh      whether its last record is recent (younger than three publish intervals)
 * @param httpUrl    the base URL of its HTTP server
 * @param streams    the streams defined on it
 * @param servable   the names of its streams that can take viewers (neither failed nor stopped); empty without a
 *                   record
 * @param viewers    its viewer sessions
 * @param egressKbps what it sent to viewers over its last publish interval
 * @param cpuPercent its process CPU in percent of one core; -1 when unknown
 * @param ageMillis  how old its last record is; -1 without one
 */
public record ClusterNode(String id, String name, String address, boolean local, boolean fresh, String httpUrl,
        int streams, List<String> servable, int viewers, long egressKbps, double cpuPercent, long ageMillis) {
    /** Freezes the list of servable streams. */
    public ClusterNode {
        servable = servable == null ? List.of() : List.copyOf(servable);
    }
}
