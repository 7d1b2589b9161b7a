package io.sightline.source.ffmpeg.internal;

/**
 * The kinds of input this plugin opens, one {@code source.type} each, with what differs between them: the URL
 * schemes accepted, FFmpeg's input format (when it cannot be guessed from the URL) and whether the header already
 * describes every stream, so probing the first packets can be skipped.
 */
enum SourceType {
    RTSP("rtsp", null, true, "rtsp://", "rtsps://"),
    RTMP("rtmp", null, false, "rtmp://", "rtmps://"),
    SRT("srt", null, false, "srt://"),
    HTTP("http", null, false, "http://", "https://"),
    FILE("file", null, false),
    V4L2("v4l2", "video4linux2", false);

    private final String id;
    private final String inputFormat;
    private final boolean headerDescribesStreams;
    private final String[] schemes;

    SourceType(String id, String inputFormat, boolean headerDescribesStreams, String... schemes) {
        this.id = id;
        this.inputFormat = inputFormat;
        this.headerDescribesStreams = headerDescribesStreams;
        this.schemes = schemes;
    }

    /** The {@code source.type} value. */
    String id() {
        return id;
    }

    /** FFmpeg's demuxer/device name to force, or {@code null} to let FFmpeg guess from the URL. */
    String inputFormat() {
        return inputFormat;
    }

    /**
     * Whether opening the input already yields every stream with its codec (RTSP's SDP does), so that
     * {@code avformat_find_stream_info} can be skipped. Container feeds (FLV, MPEG-TS) discover streams from packets.
     */
    boolean headerDescribesStreams() {
        return headerDescribesStreams;
    }

    /** Whether a URL is acceptable for this type; files and devices take paths. */
    boolean accepts(String url) {
        if (schemes.length == 0) {
            return !url.contains("://") || url.startsWith("file:");
        }
        for (String s : schemes) {
            if (url.regionMatches(true, 0, s, 0, s.length())) {
                return true;
            }
        }
        return false;
    }

    /** Looks a type up by its {@code source.type} value. */
    static SourceType of(String id) {
        for (SourceType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown source type " + id);
    }
}
