package io.sightline.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One stream, defined by a factory configuration {@code etc/io.sightline.stream-<name>.cfg}. Source plugins read
 * further {@code source.*} keys of their own from the same file.
 */
@ObjectClassDefinition(pid = StreamDefinition.FACTORY_PID, name = "Sightline stream",
        description = "A named live stream: which capture plugin feeds it, how viewers receive it, and who may watch.")
@interface StreamConfiguration {
    @AttributeDefinition(name = "Name", required = false,
            description = "Stream name used in URLs (letters, digits, '-', '_', '.'). Defaults to the part of the "
                    + "file name after 'io.sightline.stream-'.")
    String name() default "";

    @AttributeDefinition(name = "Enabled", description = "false stops the stream but keeps it defined: its source "
            + "is closed, its viewers see 'stopped' and new viewers are refused (WHEP 423) until it is true again. "
            + "stream:stop / stream:start and the admin console set it.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Source type",
            description = "The capture plugin that feeds the stream, matched against the plugins' source.type "
                    + "(testpattern, rtsp, rtmp, srt, http, file, v4l2, ...).")
    String source_type() default "testpattern";

    @AttributeDefinition(name = "Source URL", required = false,
            description = "Input address for network and file sources (rtsp://user:pass@host/path, /dev/video0, "
                    + "/path/file.mp4). Ignored by the test pattern.")
    String source_url() default "";

    @AttributeDefinition(name = "Mode", description = "always-on keeps the source open; on-demand opens it when the "
            + "first viewer arrives and closes it a while after the last one leaves.",
            options = {@Option(label = "Always on", value = "always-on"), @Option(label = "On demand", value = "on-demand")})
    String mode() default "always-on";

    @AttributeDefinition(min = "0", max = "86400", name = "On-demand close delay (s)",
            description = "Seconds an on-demand source stays open after its last viewer left.")
    int on_demand_close_after_seconds() default 10;

    @AttributeDefinition(name = "Transport", description = "How viewers receive the stream: sfu (packetized once, "
            + "fanned out; many viewers) or p2p (one encoder per viewer; adapts to each viewer's link).",
            options = {@Option(label = "SFU", value = "sfu"), @Option(label = "Peer to peer", value = "p2p")})
    String transport_mode() default "sfu";

    @AttributeDefinition(name = "Access", description = "public: anyone may watch; token: viewers need a valid "
            + "token; disabled: nobody may watch.",
            options = {@Option(label = "Public", value = "public"), @Option(label = "Token", value = "token"),
                    @Option(label = "Disabled", value = "disabled")})
    String access() default "token";

    @AttributeDefinition(name = "Public from", required = false, description = "With access public: the addresses "
            + "and CIDR blocks allowed to watch without a token, e.g. '127.0.0.1/8, ::1'. Empty means everyone. "
            + "Host names are not accepted; a malformed list admits nobody anonymously.")
    String[] access_public_from() default {};

    @AttributeDefinition(name = "Playout delay", required = false, description = "SFU streams: the playout delay "
            + "Chromium viewers are asked for, overriding the SFU's own setting: a number of ms (30), a range "
            + "(0-100), or 'browser' (its adaptive jitter buffer). Empty: the SFU's setting.")
    String playout_delay() default "";

    @AttributeDefinition(name = "Video codec", description = "Codec used when the stream encodes pictures from its "
            + "source (test pattern, raw capture, transcoding).",
            options = {@Option(label = "H.264", value = "h264"), @Option(label = "VP8", value = "vp8")})
    String video_codec() default "h264";

    @AttributeDefinition(min = "50", max = "100000", name = "Video bitrate (kbit/s)", description = "Target bitrate when the stream encodes.")
    int video_bitrate_kbps() default 2000;

    @AttributeDefinition(min = "1", max = "3000", name = "Keyframe interval (frames)",
            description = "Most frames between keyframes when the stream encodes; keyframes are also sent on request.")
    int video_gop_frames() default 60;

    @AttributeDefinition(name = "Renditions", required = false, description = "The adaptation ladder, "
            + "WIDTHxHEIGHT@KBPS separated by commas: rungs the stream's video is decoded once and encoded once more "
            + "at, each shared by all the viewers that need it (a browser without the stream's codec, a link too "
            + "slow for it). Started with a rung's first viewer, stopped renditions.stop.after.seconds after its "
            + "last. Empty (or off) turns adaptation off: such viewers are then refused (406).")
    String renditions() default StreamSettings.DEFAULT_RENDITIONS;

    @AttributeDefinition(min = "0", max = "3600", name = "Rendition stop delay (s)",
            description = "Seconds a rendition keeps encoding after its last viewer left.")
    int renditions_stop_after_seconds() default 10;

    @AttributeDefinition(min = "10", max = "600000", name = "Reconnect initial delay (ms)",
            description = "First wait before reopening a failed source; doubles on each failure.")
    int reconnect_initial_delay_ms() default 500;

    @AttributeDefinition(min = "10", max = "3600000", name = "Reconnect maximum delay (ms)", description = "Cap of the reconnect backoff.")
    int reconnect_max_delay_ms() default 10000;

    @AttributeDefinition(min = "500", max = "600000", name = "Source open timeout (ms)", type = AttributeType.INTEGER,
            description = "A source that delivers no media this long after opening is restarted.")
    int source_timeout_ms() default 10000;
}
