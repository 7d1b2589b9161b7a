package io.sightline.signaling.whep.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the WHEP endpoint ({@code etc/io.sightline.signaling.whep.cfg}). */
@ObjectClassDefinition(name = "Sightline WHEP signaling",
        description = "The WebRTC-HTTP egress endpoint at /whep/<stream>.")
@interface WhepConfiguration {
    @AttributeDefinition(name = "ICE servers", required = false,
            description = "STUN/TURN servers offered to viewers in Link headers, e.g. 'stun:stun.example.net:3478' or "
                    + "'turn:turn.example.net:3478?transport=udp username=u credential=p'. None by default: the "
                    + "server is ICE-lite and reachable on its own candidates.")
    String[] ice_servers() default {};

    @AttributeDefinition(name = "Maximum body size (bytes)", description = "Larger offers are refused with 413.")
    int max_body_bytes() default 65536;

    @AttributeDefinition(name = "Retry-After (s)",
            description = "Seconds sent in Retry-After when a stream is not live or the server is at capacity.")
    int retry_after_seconds() default 2;

    @AttributeDefinition(name = "Allowed CORS origin",
            description = "Value of Access-Control-Allow-Origin; '*' lets any page embed the player.")
    String cors_allowed_origin() default "*";
}
