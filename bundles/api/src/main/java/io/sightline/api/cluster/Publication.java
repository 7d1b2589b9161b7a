package io.sightline.api.cluster;

import java.util.Map;

/**
 * A stream fed by WHIP publishers ({@code source.type = whip}) whose origin is, or was, another node of the cluster,
 * as the cluster's origin table knows it (decision 0050).
 *
 * @param stream           the stream's name
 * @param originNode       the name of the node that holds the stream now (or held it when it failed)
 * @param originUp         whether that node is a live member
 * @param accessProperties the stream's access settings ({@code access}, {@code access.public.from}): a publish here is
 *                         judged on them before anything moves, as it would be on the origin
 */
public record Publication(String stream, String originNode, boolean originUp, Map<String, String> accessProperties) {
    /** Freezes the properties. */
    public Publication {
        accessProperties = accessProperties == null ? Map.of() : Map.copyOf(accessProperties);
    }
}
