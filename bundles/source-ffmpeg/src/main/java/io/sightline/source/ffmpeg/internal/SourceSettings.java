package io.sightline.source.ffmpeg.internal;

import io.sightline.api.source.SourceContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stream's FFmpeg source configuration, read from its {@code source.*} keys (declared, with their defaults, in
 * {@link FfmpegSourceDefaults}) and checked when the source is created, so a value that can never work fails the stream at once instead of at every reconnect.
 *
 * <p>Keys (all types): {@code source.url}; {@code source.username}, {@code source.password} (merged into the URL,
 * never logged); {@code source.passthrough} {@code auto} (default: H.264 without B-frames is forwarded as it is) or
 * {@code never} (always decode, the stream re-encodes); {@code source.open.timeout.ms} (default 5000) and
 * {@code source.read.timeout.ms} (default 5000): how long opening may take and how long a read may wait for data
 * before the source reports failure. RTSP: {@code source.rtsp.transport} {@code tcp} (default) or {@code udp};
 * {@code source.rtsp.client} {@code native} (default: Sightline's own RTSP client for H.264 cameras, which hands each
 * picture on at its last packet; FFmpeg is used when the camera needs it) or {@code ffmpeg} (always FFmpeg's demuxer).
 * SRT and HTTP: {@code source.mpegts.reader} {@code native} (default: MPEG-TS demuxed by Sightline, each picture
 * handed on with the TS packet that ends it; FFmpeg's demuxer for what it does not carry) or {@code ffmpeg}.
 * File: {@code source.loop} (default {@code true}), played at real time. V4L2: {@code source.device}
 * (default {@code /dev/video0}), {@code source.width}, {@code source.height}, {@code source.fps},
 * {@code source.input.format} (e.g. {@code mjpeg}, {@code yuyv422}), {@code source.audio.device} (an ALSA device
 * such as {@code hw:1,0}, optional).
 */
record SourceSettings(SourceType type, String url, Credentials credentials, String rtspTransport, boolean nativeRtsp,
        boolean nativeTs, boolean loop,
        boolean passthroughAllowed, int width, int height, int fps, String inputFormat, String audioDevice,
        int openTimeoutMs, int readTimeoutMs) {

    static SourceSettings from(SourceType type, SourceContext context, FfmpegSourceDefaults defaults) {
        Credentials credentials = new Credentials(context.config("source.username", defaults.source_username()),
                context.config("source.password", defaults.source_password()));
        String url = type == SourceType.V4L2 ? context.config("source.device", context.config("source.url",
                defaults.source_device())) : context.config("source.url", "");
        if (url.isEmpty()) {
            throw new IllegalArgumentException("source.url is required for source.type=" + type.id());
        }
        if (!type.accepts(url)) {
            throw new IllegalArgumentException("source.url '" + credentials.redact(url) + "' does not fit source.type="
                    + type.id());
        }
        String transport = context.config("source.rtsp.transport", defaults.source_rtsp_transport()).toLowerCase();
        if (!transport.equals("tcp") && !transport.equals("udp")) {
            throw new IllegalArgumentException("source.rtsp.transport must be tcp or udp, got '" + transport + "'");
        }
        String client = context.config("source.rtsp.client", defaults.source_rtsp_client()).toLowerCase();
        if (!client.equals("native") && !client.equals("ffmpeg")) {
            throw new IllegalArgumentException("source.rtsp.client must be native or ffmpeg, got '" + client + "'");
        }
        String tsReader = context.config("source.mpegts.reader", defaults.source_mpegts_reader()).toLowerCase();
        if (!tsReader.equals("native") && !tsReader.equals("ffmpeg")) {
            throw new IllegalArgumentException("source.mpegts.reader must be native or ffmpeg, got '" + tsReader + "'");
        }
        String passthrough = context.config("source.passthrough", defaults.source_passthrough()).toLowerCase();
        if (!passthrough.equals("auto") && !passthrough.equals("never")) {
            throw new IllegalArgumentException("source.passthrough must be auto or never, got '" + passthrough + "'");
        }
        int openTimeout = positive(context, "source.open.timeout.ms", defaults.source_open_timeout_ms());
        int readTimeout = positive(context, "source.read.timeout.ms", defaults.source_read_timeout_ms());
        return new SourceSettings(type, credentials.apply(url), credentials, transport,
                type == SourceType.RTSP && client.equals("native") && passthrough.equals("auto"),
                (type == SourceType.SRT || type == SourceType.HTTP) && tsReader.equals("native")
                        && passthrough.equals("auto"),
                Boolean.parseBoolean(context.config("source.loop", Boolean.toString(defaults.source_loop()))), passthrough.equals("auto"),
                context.config("source.width", defaults.source_width()),
                context.config("source.height", defaults.source_height()),
                context.config("source.fps", defaults.source_fps()),
                context.config("source.input.format", defaults.source_input_format()), context.config("source.audio.device", defaults.source_audio_device()), openTimeout,
                readTimeout);
    }

    /** The URL for logs: credentials masked. */
    String safeUrl() {
        return credentials.redact(url);
    }

    /**
     * FFmpeg demuxer options for the main input. Passthrough-capable RTSP opens without probing (the SDP has the
     * codecs, the SPS gives the size); other feeds probe a little so streams and their codecs are known.
     */
    Map<String, String> demuxerOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        switch (type) {
            case RTSP -> {
                o.put("rtsp_transport", rtspTransport);
                o.put("probesize", "32");
                o.put("analyzeduration", "0");
                // Microseconds; also bounds the RTSP handshake and each TCP read (the interrupt callback backs it up).
                o.put("timeout", Long.toString(readTimeoutMs * 1000L));
            }
            case V4L2 -> {
                if (width > 0 && height > 0) {
                    o.put("video_size", width + "x" + height);
                }
                if (fps > 0) {
                    o.put("framerate", Integer.toString(fps));
                }
                if (!inputFormat.isEmpty()) {
                    o.put("input_format", inputFormat);
                }
            }
            case FILE -> {
            }
            default -> {
                o.put("probesize", "500000");
                o.put("analyzeduration", "1000000");
                o.put("rw_timeout", Long.toString(readTimeoutMs * 1000L));
                if (type == SourceType.SRT || type == SourceType.HTTP) {
                    // MPEG-TS carries one picture per PES packet: without a parser a picture is handed out when its
                    // PES ends; FFmpeg's H.264 parser would hold it until the next picture's bytes arrive as well.
                    o.put("fflags", "noparse+nofillin");
                }
            }
        }
        return o;
    }

    private static int positive(SourceContext context, String key, int dflt) {
        int v = context.config(key, dflt);
        if (v <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + v);
        }
        return v;
    }
}
