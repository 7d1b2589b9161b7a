package io.sightline.sfu.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Settings of the SFU media plane ({@code etc/io.sightline.transport.sfu.cfg}). */
@ObjectClassDefinition(name = "Sightline SFU transport",
        description = "WebRTC delivery from the server: ICE-lite on one UDP port (and optional ICE-TCP), "
                + "DTLS-SRTP, one packetization per stream.")
@interface SfuConfiguration {
    /**
     * The media sockets and ICE agent are built once: changing these settings in the file does not interrupt the
     * viewers, and they wait for a restart (SfuTransport logs which ones). Everything else applies at once.
     */
    String RESTART = " Takes effect after a restart of the SFU (bundle:restart sightline-transport-sfu, which ends "
            + "the sessions) or of Sightline; until then the running value stays.";

    @AttributeDefinition(name = "UDP port",
            description = "The one UDP port all viewers' media uses (0 = any free)." + RESTART)
    int udp_port() default 8189;

    @AttributeDefinition(name = "TCP port", description = "Passive ICE-TCP port for viewers whose UDP is blocked "
            + "(-1 = off, 0 = any free)." + RESTART)
    int tcp_port() default 8189;

    @AttributeDefinition(name = "Bind address", required = false,
            description = "Address the media sockets bind to, and then the only host candidate offered. Empty = "
                    + "SIGHTLINE_BIND_ADDRESS when that names one address (the HTTP bind address), otherwise all "
                    + "interfaces." + RESTART)
    String bind_address() default "";

    @AttributeDefinition(name = "ICE interfaces", required = false,
            description = "Allow-list of the host candidates offered when bound to all interfaces: interface names "
                    + "(eth0, or a prefix such as enp*), addresses (10.1.2.3, fd00::2) and CIDR blocks "
                    + "(10.0.0.0/8), separated by commas. Empty = every address of the interfaces that are up, "
                    + "except link-local and documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, "
                    + "2001:db8::/32)." + RESTART)
    String[] ice_interfaces() default {};

    @AttributeDefinition(name = "Interfaces (deprecated)", required = false,
            description = "Deprecated: use ice.interfaces. Interface names, added to ice.interfaces.")
    String[] interfaces() default {};

    @AttributeDefinition(name = "Include loopback",
            description = "Offer 127.0.0.1 as a candidate (local viewers, tests)." + RESTART)
    boolean include_loopback() default true;

    @AttributeDefinition(name = "Public address", required = false,
            description = "Public IP of a 1:1 NAT in front of the server, offered as an extra candidate (first) with "
                    + "the same ports, whatever bind.address and ice.interfaces select." + RESTART)
    String public_address() default "";

    @AttributeDefinition(name = "Maximum sessions", description = "Viewers served at once over all streams; more get 503.")
    int max_sessions() default 1000;

    @AttributeDefinition(name = "Consent timeout (s)",
            description = "A viewer whose browser stops answering ICE consent checks this long is dropped "
                    + "(RFC 7675)." + RESTART)
    int consent_timeout_seconds() default 30;

    @AttributeDefinition(name = "Track wait (ms)", description = "How long a request waits for a starting stream "
            + "(on-demand) to announce its tracks before answering 409.")
    int track_wait_ms() default 5000;

    @AttributeDefinition(name = "Viewer start", description = "How a viewer joining a running stream gets its first "
            + "picture: gop-burst = at once from the cached group of pictures; next-keyframe = at the next keyframe, "
            + "asked of the source (an encoder makes one at once, a camera waits up to a GOP); wait = at the next "
            + "keyframe the source makes by itself, asking for none.",
            options = { @Option(label = "Cached GOP burst", value = "gop-burst"),
                    @Option(label = "Next keyframe, requested", value = "next-keyframe"),
                    @Option(label = "Next natural keyframe", value = "wait") })
    String viewer_start() default "gop-burst";

    @AttributeDefinition(name = "Playout delay", description = "The playout delay asked of Chromium-based viewers "
            + "(RTP playout-delay extension): a fixed delay in ms, a range MIN-MAX, or browser (not sent: the "
            + "browser's adaptive jitter buffer). 0 shows each picture as soon as it is decoded; a small fixed delay "
            + "shows pictures on a steady cadence. Multiples of 10 ms. A stream's own playout.delay overrides it.")
    String playout_delay() default PlayoutDelay.DEFAULT_KEY;
}
