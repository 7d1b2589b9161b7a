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

    @AttributeDefinition(name = "Maximum sessions per stream", description = "Viewer sessions one stream may have; "
            + "further offers get 503 with Retry-After. 0 means no limit.")
    int max_sessions_per_stream() default 500;

    @AttributeDefinition(name = "Maximum sessions in total", description = "Viewer sessions over all streams; "
            + "further offers get 503 with Retry-After. 0 means no limit.")
    int max_sessions_total() default 2000;

    @AttributeDefinition(name = "Maximum requests per second per address", description = "Sustained WHEP requests "
            + "(any method) one client address may send; more get 429 with Retry-After. IPv6 clients count per /64. "
            + "0 means no limit.")
    int max_requests_per_second_per_address() default 10;

    @AttributeDefinition(name = "Request burst per address", description = "Requests an idle address may send at "
            + "once (a player sends an offer and a few trickle PATCHes together).")
    int request_burst_per_address() default 30;

    @AttributeDefinition(name = "Tracked addresses", description = "Most client addresses the rate limiter keeps "
            + "state for; beyond that, idle ones are forgotten and new ones share one bucket.")
    int rate_limit_max_addresses() default 10000;

    @AttributeDefinition(name = "Retry-After (s)",
            description = "Seconds sent in Retry-After when a stream is not live or the server is at capacity.")
    int retry_after_seconds() default 2;

    @AttributeDefinition(name = "Allowed CORS origin",
            description = "Value of Access-Control-Allow-Origin; '*' lets any page embed the player.")
    String cors_allowed_origin() default "*";

    @AttributeDefinition(name = "Cluster: redirect from (viewers)",
            description = "With the sightline-cluster feature: once this node has this many viewer sessions, a new "
                    + "viewer is answered 307 to the other node with the fewest viewers among those where the stream "
                    + "can be served and that are below this number too (no such node: served here). 0 never "
                    + "redirects. Tokens must be valid on every node (the same auth settings).")
    int cluster_redirect_viewers() default 0;

    @AttributeDefinition(name = "WHIP: create streams on first publish", description = "true: a publish "
            + "(POST /whip/<name>) to a stream that does not exist, with a token whose action publish covers the "
            + "name, creates it (source.type=whip, access=token), written to etc/io.sightline.stream-<name>.cfg as "
            + "if made in the console, and kept; removed again if the server refuses that first offer. false: 404.")
    boolean whip_auto_create() default false;
}
