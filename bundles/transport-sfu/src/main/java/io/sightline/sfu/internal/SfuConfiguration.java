package io.sightline.sfu.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the SFU media plane ({@code etc/io.sightline.transport.sfu.cfg}). */
@ObjectClassDefinition(name = "Sightline SFU transport",
        description = "WebRTC delivery from the server: ICE-lite on one UDP port (and optional ICE-TCP), "
                + "DTLS-SRTP, one packetization per stream.")
@interface SfuConfiguration {
    @AttributeDefinition(name = "UDP port", description = "The one UDP port all viewers' media uses (0 = any free).")
    int udp_port() default 8189;

    @AttributeDefinition(name = "TCP port", description = "Passive ICE-TCP port for viewers whose UDP is blocked "
            + "(-1 = off, 0 = any free).")
    int tcp_port() default 8189;

    @AttributeDefinition(name = "Bind address", required = false,
            description = "Address the media sockets bind to; empty = all interfaces.")
    String bind_address() default "";

    @AttributeDefinition(name = "Interfaces", required = false,
            description = "Network interfaces whose addresses are offered as host candidates; empty = all that are up.")
    String[] interfaces() default {};

    @AttributeDefinition(name = "Include loopback", description = "Offer 127.0.0.1 as a candidate (local viewers, tests).")
    boolean include_loopback() default true;

    @AttributeDefinition(name = "Public address", required = false,
            description = "Public IP of a 1:1 NAT in front of the server, offered as an extra candidate.")
    String public_address() default "";

    @AttributeDefinition(name = "Maximum sessions", description = "Viewers served at once over all streams; more get 503.")
    int max_sessions() default 1000;

    @AttributeDefinition(name = "Consent timeout (s)",
            description = "A viewer whose browser stops answering ICE consent checks this long is dropped (RFC 7675).")
    int consent_timeout_seconds() default 30;

    @AttributeDefinition(name = "Track wait (ms)", description = "How long a request waits for a starting stream "
            + "(on-demand) to announce its tracks before answering 409.")
    int track_wait_ms() default 5000;
}
