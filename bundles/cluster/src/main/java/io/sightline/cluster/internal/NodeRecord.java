package io.sightline.cluster.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a node publishes about itself to the directory, as JSON (so no class of ours has to travel between JVMs).
 *
 * @param streams          the streams defined on the node, its relays included (marked)
 * @param viewers          its viewer sessions, all streams together
 * @param egressKbps       what it sent to viewers over the last publish interval
 * @param cpuPercent       its process CPU over the last interval, in percent of one core; -1 when unknown
 * @param publishedMillis  when it was published, on the publisher's clock
 */
record NodeRecord(String name, String httpUrl, List<StreamEntry> streams, int viewers, long egressKbps,
        double cpuPercent, long publishedMillis) {

    /**
     * One stream of the node: its name, state and viewers there; whether the node only relays it from another node
     * (then it is never an origin for others, decision 0045) and its access settings, which a relay copies. The
     * added fields are written only when set, so a node of an earlier build still reads records without relays.
     */
    record StreamEntry(String name, String state, int viewers,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean relay,
            @JsonInclude(JsonInclude.Include.NON_NULL) String access,
            @JsonInclude(JsonInclude.Include.NON_NULL) String publicFrom) {

        /** An origin stream with the default access ({@code token}). */
        StreamEntry(String name, String state, int viewers) {
            this(name, state, viewers, false, null, null);
        }

        /** Whether a viewer sent to this node's copy can be served there. */
        boolean servable() {
            return !state.equals("failed") && !state.equals("stopped");
        }
    }
}
