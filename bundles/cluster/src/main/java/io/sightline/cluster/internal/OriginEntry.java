package io.sightline.cluster.internal;

import io.sightline.api.control.Masking;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One pull source (a camera a node reads) in the cluster-wide origin table, as JSON (decision 0040). The
 * configuration is the stream's whole file, secrets included, so that a survivor can define the same stream when its
 * origin fails: it crosses the member link, which must therefore stay on a private network (decision 0036).
 *
 * @param stream        the stream's name
 * @param originId      the member that reads the source now (Hazelcast member id)
 * @param originName    that member's node name
 * @param config        the stream's properties as its file holds them
 * @param formerOrigins node names the stream was re-homed away from: such a node, when it comes back with its old
 *                      file, removes its copy instead of reading the camera a second time
 */
record OriginEntry(String stream, String originId, String originName, Map<String, String> config,
        List<String> formerOrigins) {

    OriginEntry {
        config = Collections.unmodifiableSortedMap(new TreeMap<>(config)); // one text for one content
        formerOrigins = formerOrigins == null ? List.of() : List.copyOf(formerOrigins);
    }

    /** The same stream, read by another member from now on; the old origin joins the former ones. */
    OriginEntry movedTo(String id, String name) {
        List<String> former = new ArrayList<>(formerOrigins);
        if (!former.contains(originName)) {
            former.add(originName);
        }
        former.remove(name);
        return new OriginEntry(stream, id, name, config, former);
    }

    OriginEntry withConfig(Map<String, String> next) {
        return new OriginEntry(stream, originId, originName, next, formerOrigins);
    }

    /** Never the secrets: a record's default text would print the configuration as it is. */
    @Override
    public String toString() {
        return "OriginEntry[" + stream + " at " + originName + " (" + originId + "), config " + Masking.mask(config)
                + ", former " + formerOrigins + "]";
    }
}
