package io.sightline.transport.p2p.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the P2P transport ({@code etc/io.sightline.transport.p2p.cfg}). */
@ObjectClassDefinition(name = "Sightline P2P transport",
        description = "WebRTC delivery with one libwebrtc PeerConnection per viewer: each viewer gets its own "
                + "encoder, which adapts bitrate and resolution to that viewer's network. Costs CPU per viewer.")
@interface P2pConfiguration {
    @AttributeDefinition(name = "Maximum viewers per stream",
            description = "Viewers of one stream served at once over P2P; more get 503 with Retry-After. Each "
                    + "viewer costs one encoder (roughly 8% of a core at 360p30 VP8, 15% at 720p30).")
    int max_viewers_per_stream() default 8;

    @AttributeDefinition(name = "Codecs", description = "Video codecs in order of preference (VP8, VP9, H264, AV1); "
            + "codecs not listed are never used. The first one the viewer's offer carries wins.")
    String[] codecs() default {"VP8", "H264", "VP9", "AV1"};

    @AttributeDefinition(name = "ICE servers", required = false, description = "STUN/TURN URLs for the server's "
            + "own candidates, e.g. stun:stun.example.org:3478 (empty = host candidates only; no public default).")
    String[] ice_servers() default {};

    @AttributeDefinition(name = "Lowest UDP port", description = "Lowest local port for media sockets (0 = any).")
    int port_min() default 0;

    @AttributeDefinition(name = "Highest UDP port", description = "Highest local port for media sockets (0 = any).")
    int port_max() default 0;

    @AttributeDefinition(name = "ICE over TCP", description = "Also gather TCP host candidates.")
    boolean ice_tcp() default false;

    @AttributeDefinition(name = "ICE gathering timeout (ms)", description = "The answer carries the candidates "
            + "gathered by then (no server-side trickle).")
    int ice_gathering_timeout_ms() default 2000;

    @AttributeDefinition(name = "First picture wait (ms)", description = "How long a request waits for a starting "
            + "stream's first raw picture before answering 409.")
    int frame_wait_ms() default 5000;
}
