package io.sightline.api.cluster;

import java.util.Map;

/**
 * A stream ingested by another node, as that node publishes it to the cluster.
 *
 * @param stream           the stream's name
 * @param originNode       the name of the node that ingests it
 * @param accessProperties the stream's access settings there ({@code access}, {@code access.public.from}), which a
 *                         relay of it copies: checked on this node before a relay starts, as for a local stream
 */
public record RemoteStream(String stream, String originNode, Map<String, String> accessProperties) {
    /** Freezes the properties. */
    public RemoteStream {
        accessProperties = accessProperties == null ? Map.of() : Map.copyOf(accessProperties);
    }
}
