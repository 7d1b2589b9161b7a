package io.sightline.source.whep.internal;

import io.sightline.api.source.CaptureSourceFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code source.*} keys of a stream with {@code source.type = whep}, declared by their only reader.
 * {@code source.url} (the WHEP endpoint) is declared by the stream's own metatype.
 * The plugin has no plugin-wide PID: the OCD is designated only for the streams' factory PID.
 */
@ObjectClassDefinition(id = CaptureSourceFactory.SETTINGS_PID_PREFIX + "whep", name = "Sightline WHEP pull source",
        factoryPid = CaptureSourceFactory.SETTINGS_PID_PREFIX + "whep",
        description = "Keys of streams with source.type whep: the stream is pulled from source.url, a WHEP endpoint "
                + "(another Sightline node's /whep/<stream>, or any WHEP server sending H.264 and Opus).")
@interface WhepSourceSettings {
    @AttributeDefinition(name = "Bearer token", type = AttributeType.PASSWORD, description = "Sent as "
            + "'Authorization: Bearer' with the offer and the DELETE; never logged, never put in a URL.")
    String source_token() default "";

    @AttributeDefinition(name = "Connect timeout (ms)", min = "100", description = "How long the offer, ICE and the "
            + "DTLS handshake may take together before the source reports failure (the stream then reconnects).")
    int source_connect_timeout_ms() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "100", description = "How long no media may arrive "
            + "before the source reports failure.")
    int source_read_timeout_ms() default 5000;

    @AttributeDefinition(name = "Cluster relay", description = "Set by the cluster on the streams it relays "
            + "automatically from their origin node (decision 0045): such a stream is never an origin for other nodes, "
            + "follows its origin when it moves, and is removed after relay.idle.seconds without viewers. Not read by "
            + "this plugin; leave it false in streams you define.")
    boolean source_relay() default false;
}
