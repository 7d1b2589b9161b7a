package io.sightline.api.media;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A codec together with the format parameters a receiver needs to decode it, as they appear in SDP
 * ({@code a=fmtp}): for H.264 the {@code profile-level-id} and {@code packetization-mode}, for Opus the channel count.
 *
 * <p>Immutable. Transports answer offers with exactly these parameters, so a source must describe what its bitstream
 * really is (for H.264, the profile and level read from the SPS).
 */
public final class CodecParameters {
    /** The H.264 profile-level-id for Constrained Baseline level 3.1, which every WebRTC browser decodes. */
    public static final String H264_CONSTRAINED_BASELINE_31 = "42e01f";

    private final Codec codec;
    private final int channels;
    private final Map<String, String> fmtp;

    private CodecParameters(Codec codec, int channels, Map<String, String> fmtp) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.channels = channels;
        this.fmtp = Collections.unmodifiableMap(new LinkedHashMap<>(fmtp));
    }

    /** Any codec with the given format parameters (in the order they should be written). */
    public static CodecParameters of(Codec codec, int channels, Map<String, String> fmtp) {
        return new CodecParameters(codec, channels, fmtp);
    }

    /**
     * H.264 with the given six hex digit {@code profile-level-id} (profile_idc, constraint flags, level_idc),
     * packetization mode 1 (FU-A and STAP-A allowed).
     */
    public static CodecParameters h264(String profileLevelId) {
        if (profileLevelId == null || !profileLevelId.matches("[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("profile-level-id must be six hex digits: " + profileLevelId);
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("level-asymmetry-allowed", "1");
        f.put("packetization-mode", "1");
        f.put("profile-level-id", profileLevelId.toLowerCase());
        return new CodecParameters(Codec.H264, 1, f);
    }

    /** H.264 whose profile-level-id is taken from an SPS NAL unit (bytes 1..3 after the NAL header). */
    public static CodecParameters h264FromSps(byte[] sps) {
        if (sps.length < 4) {
            throw new IllegalArgumentException("SPS too short");
        }
        return h264(String.format("%02x%02x%02x", sps[1] & 0xff, sps[2] & 0xff, sps[3] & 0xff));
    }

    /** VP8, which has no format parameters. */
    public static CodecParameters vp8() {
        return new CodecParameters(Codec.VP8, 1, Map.of());
    }

    /**
     * Uncompressed video: {@code width} and {@code height} as in RFC 4175, and the pixel layout as the
     * {@code x-pixel-format} parameter, named as FFmpeg names it ({@code yuyv422}, {@code nv12}, ...), since RFC
     * 4175's {@code sampling} cannot name the layouts capture devices deliver (V4L2's YUYV, for one).
     *
     * @since 1.2.0
     */
    public static CodecParameters raw(int width, int height, String pixelFormat) {
        if (width <= 0 || height <= 0 || pixelFormat == null || pixelFormat.isBlank()) {
            throw new IllegalArgumentException("raw video needs a size and a pixel format: " + width + "x" + height
                    + " " + pixelFormat);
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("width", Integer.toString(width));
        f.put("height", Integer.toString(height));
        f.put(RAW_PIXEL_FORMAT, pixelFormat);
        return new CodecParameters(Codec.RAW, 1, f);
    }

    /** The format parameter naming a {@link Codec#RAW} picture's pixel layout. @since 1.2.0 */
    public static final String RAW_PIXEL_FORMAT = "x-pixel-format";

    /** Opus at 48 kHz; WebRTC always signals two channels, {@code stereo} says whether the content is stereo. */
    public static CodecParameters opus(boolean stereo) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("minptime", "10");
        f.put("useinbandfec", "1");
        if (stereo) {
            f.put("stereo", "1");
        }
        return new CodecParameters(Codec.OPUS, 2, f);
    }

    /** The codec. */
    public Codec codec() {
        return codec;
    }

    /** Audio channel count as signalled in SDP; 1 for video. */
    public int channels() {
        return channels;
    }

    /** Format parameters, in SDP order; empty when the codec has none. */
    public Map<String, String> fmtp() {
        return fmtp;
    }

    /** One format parameter, or {@code null}. */
    public String fmtp(String key) {
        return fmtp.get(key);
    }

    /** The fmtp line value ({@code key=value;key=value}), empty when there are none. */
    public String fmtpLine() {
        StringBuilder sb = new StringBuilder();
        fmtp.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodecParameters p && p.codec == codec && p.channels == channels && p.fmtp.equals(fmtp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(codec, channels, fmtp);
    }

    @Override
    public String toString() {
        return codec.rtpName() + (fmtp.isEmpty() ? "" : "[" + fmtpLine() + "]");
    }
}
