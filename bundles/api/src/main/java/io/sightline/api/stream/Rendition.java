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
 * @param codec       the codec of the encoding, {@link Codec#H264} or {@link Codec#VP8}
 * @param width       the largest picture width in pixels
 * @param height      the largest picture height in pixels
 * @param bitrateKbps the target bitrate in kilobits per second
 * @since 1.3.0
 */
public record Rendition(Codec codec, int width, int height, int bitrateKbps) {
    /** Configuration key of a stream's ladder, e.g. {@code 1280x720@2000, 640x360@600}; empty turns adaptation off. */
    public static final String RENDITIONS = "renditions";

    private static final Pattern RUNG = Pattern.compile("(\\d{2,5})x(\\d{2,5})@(\\d{2,6})");

    /** Validates the components. */
    public Rendition {
        Objects.requireNonNull(codec, "codec");
        if (codec != Codec.H264 && codec != Codec.VP8) {
            throw new IllegalArgumentException("renditions are encoded in H264 or VP8, not " + codec);
        }
        if (width < 16 || height < 16 || bitrateKbps < 10) {
            throw new IllegalArgumentException("a rendition needs at least 16x16 pixels and 10 kbit/s: " + width
                    + "x" + height + "@" + bitrateKbps);
        }
    }

    /** The same rung in another codec. */
    public Rendition in(Codec other) {
        return new Rendition(other, width, height, bitrateKbps);
    }

    /** A short name for logs, metrics and URLs: {@code vp8-640x360@600}. */
    public String key() {
        return codec.name().toLowerCase(Locale.ROOT) + "-" + width + "x" + height + "@" + bitrateKbps;
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
