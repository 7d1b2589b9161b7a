package io.sightline.api.stream;

import io.sightline.api.media.Codec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rung of a stream's rendition ladder: its video decoded once and encoded once more, in {@code codec}, at most
 * {@code width} x {@code height} (the source's aspect ratio is kept and it is never scaled up) and at
 * {@code bitrateKbps}. Every subscriber of one rendition shares that one encoding.
 *
 * <p>A rung can also be a <em>layer</em>: an encoding the publisher itself sends besides the stream's own video (a
 * WebRTC simulcast layer, named by its RTP stream id in {@link #layer()}). Nothing is encoded for it; its size and
 * bitrate are what was measured when the publisher announced it, and it is identified by {@link #key()}, which
 * stays the same when those measurements change.
 *
 * @param codec       the codec of the encoding, {@link Codec#H264} or {@link Codec#VP8} (a layer: the publisher's
 *                    video codec)
 * @param width       the largest picture width in pixels
 * @param height      the largest picture height in pixels
 * @param bitrateKbps the target bitrate in kilobits per second (a layer's: measured)
 * @param layer       the publisher's name of the layer (its RTP stream id), or {@code null} for an encoded rung
 * @since 1.3.0
 */
public record Rendition(Codec codec, int width, int height, int bitrateKbps, String layer) {
    /** Configuration key of a stream's ladder, e.g. {@code 1280x720@2000, 640x360@600}; empty turns adaptation off. */
    public static final String RENDITIONS = "renditions";

    private static final Pattern RUNG = Pattern.compile("(\\d{2,5})x(\\d{2,5})@(\\d{2,6})");

    /** Validates the components. */
    public Rendition {
        if (layer != null && (layer.isEmpty() || layer.length() > 16)) {
            throw new IllegalArgumentException("a layer name has 1-16 characters: '" + layer + "'");
        }
        Objects.requireNonNull(codec, "codec");
        if (layer == null && codec != Codec.H264 && codec != Codec.VP8) {
            throw new IllegalArgumentException("renditions are encoded in H264 or VP8, not " + codec);
        }
        if (layer != null && codec.kind() != io.sightline.api.media.MediaKind.VIDEO) {
            throw new IllegalArgumentException("a layer is video, not " + codec);
        }
        if (width < 16 || height < 16 || bitrateKbps < 10) {
            throw new IllegalArgumentException("a rendition needs at least 16x16 pixels and 10 kbit/s: " + width
                    + "x" + height + "@" + bitrateKbps);
        }
    }

    /** An encoded rung. */
    public Rendition(Codec codec, int width, int height, int bitrateKbps) {
        this(codec, width, height, bitrateKbps, null);
    }

    /**
     * A publisher's layer: sent by the publisher as it is, nothing encoded.
     *
     * @param layer the layer's RTP stream id (rid)
     * @since 1.4.0
     */
    public static Rendition layer(String layer, Codec codec, int width, int height, int bitrateKbps) {
        return new Rendition(codec, width, height, bitrateKbps, Objects.requireNonNull(layer, "layer"));
    }

    /**
     * Whether this is a publisher's layer rather than an encoding of the stream.
     *
     * @since 1.4.0
     */
    public boolean isLayer() {
        return layer != null;
    }

    /**
     * Whether {@code other} names the same rung: for layers the same layer (whatever was measured), else equal.
     *
     * @since 1.4.0
     */
    public boolean sameRung(Rendition other) {
        return other != null && (isLayer() ? layer.equals(other.layer) && codec == other.codec : equals(other));
    }

    /**
     * An encoded rung of the same size and bitrate in {@code other} (for a layer: an encoding of the stream at the
     * layer's size, for viewers that cannot take the publisher's codec).
     */
    public Rendition in(Codec other) {
        return new Rendition(other, width, height, bitrateKbps);
    }

    /**
     * A short name for logs, metrics and URLs: {@code vp8-640x360@600}; a layer's {@code h264-layer-m}, which does not
     * change with its measured size and bitrate.
     */
    public String key() {
        String c = codec.name().toLowerCase(Locale.ROOT);
        return isLayer() ? c + "-layer-" + layer : c + "-" + width + "x" + height + "@" + bitrateKbps;
    }

    /**
     * Parses a ladder, {@code WIDTHxHEIGHT@KBPS} separated by commas, highest first after sorting by bitrate.
     *
     * @throws IllegalArgumentException naming the first malformed rung
     */
    public static List<Rendition> parseLadder(String text, Codec codec) {
        List<Rendition> rungs = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return List.of();
        }
        for (String part : text.split(",")) {
            String rung = part.trim();
            if (rung.isEmpty()) {
                continue;
            }
            Matcher m = RUNG.matcher(rung);
            if (!m.matches()) {
                throw new IllegalArgumentException(RENDITIONS + ": '" + rung + "' is not WIDTHxHEIGHT@KBPS (e.g. "
                        + "640x360@600)");
            }
            rungs.add(new Rendition(codec, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))));
        }
        rungs.sort((a, b) -> Integer.compare(b.bitrateKbps, a.bitrateKbps));
        return List.copyOf(rungs);
    }
}
