package io.sightline.api.media;

/**
 * A codec a stream may carry, with its RTP name and clock rate.
 *
 * <p>Codecs browsers play over WebRTC are {@link #H264}, {@link #VP8}, {@link #VP9}, {@link #AV1} and {@link #OPUS}.
 * The others appear only at the input of a stream (for example an H.265 camera, an MJPEG webcam or AAC audio) and are
 * decoded or transcoded before they reach a viewer.
 */
public enum Codec {
    H264(MediaKind.VIDEO, "H264", 90_000, true),
    H265(MediaKind.VIDEO, "H265", 90_000, false),
    VP8(MediaKind.VIDEO, "VP8", 90_000, true),
    VP9(MediaKind.VIDEO, "VP9", 90_000, true),
    AV1(MediaKind.VIDEO, "AV1", 90_000, true),
    /** Motion JPEG (RFC 2435's encoding name): one complete JPEG picture per unit. Input only. @since 1.2.0 */
    MJPEG(MediaKind.VIDEO, "JPEG", 90_000, false),
    /**
     * Uncompressed video (RFC 4175's encoding name): one packed picture per unit, its layout given by
     * {@link CodecParameters#raw}. Input only, for capture devices that deliver raw pixels. @since 1.2.0
     */
    RAW(MediaKind.VIDEO, "raw", 90_000, false),
    OPUS(MediaKind.AUDIO, "opus", 48_000, true),
    AAC(MediaKind.AUDIO, "MPEG4-GENERIC", 48_000, false),
    PCMU(MediaKind.AUDIO, "PCMU", 8_000, false),
    PCMA(MediaKind.AUDIO, "PCMA", 8_000, false);

    private final MediaKind kind;
    private final String rtpName;
    private final int clockRate;
    private final boolean webRtcPlayable;

    Codec(MediaKind kind, String rtpName, int clockRate, boolean webRtcPlayable) {
        this.kind = kind;
        this.rtpName = rtpName;
        this.clockRate = clockRate;
        this.webRtcPlayable = webRtcPlayable;
    }

    /** Video or audio. */
    public MediaKind kind() {
        return kind;
    }

    /** The encoding name used in SDP {@code a=rtpmap} lines. */
    public String rtpName() {
        return rtpName;
    }

    /** The RTP clock rate in Hz. */
    public int clockRate() {
        return clockRate;
    }

    /** Whether browsers decode this codec over WebRTC, so it can be delivered without transcoding. */
    public boolean webRtcPlayable() {
        return webRtcPlayable;
    }

    /** Looks a codec up by its RTP encoding name, ignoring case; {@code null} if unknown. */
    public static Codec fromRtpName(String name) {
        for (Codec c : values()) {
            if (c.rtpName.equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }
}
