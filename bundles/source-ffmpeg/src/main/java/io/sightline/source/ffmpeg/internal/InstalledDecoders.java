package io.sightline.source.ffmpeg.internal;

import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.Codec;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Constants;

/**
 * The {@link VideoDecoderFactory} services installed now (codec-ffmpeg's), by the codec they decode: the plugin
 * decodes what browsers cannot play through them, as the core does for P2P viewers, instead of carrying its own
 * decoder. Picked by the {@code codec} service property and the highest ranking, like the core picks.
 */
final class InstalledDecoders {
    private record Ranked(VideoDecoderFactory factory, String codec, int ranking) {
    }

    private final List<Ranked> factories = new CopyOnWriteArrayList<>();

    void add(VideoDecoderFactory factory, Map<String, Object> properties) {
        int ranking = properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
        factories.add(new Ranked(factory, String.valueOf(properties.get(VideoDecoderFactory.CODEC)), ranking));
    }

    void remove(VideoDecoderFactory factory) {
        factories.removeIf(r -> r.factory() == factory);
    }

    /** The best decoder plugin for {@code codec}, or null when none is installed. */
    VideoDecoderFactory find(Codec codec) {
        String key = key(codec);
        return factories.stream().filter(r -> r.codec().equalsIgnoreCase(key))
                .max(Comparator.comparingInt(Ranked::ranking)).map(Ranked::factory).orElse(null);
    }

    /** The {@code codec} service property value for a codec. */
    static String key(Codec codec) {
        return codec.name().toLowerCase(Locale.ROOT);
    }
}
