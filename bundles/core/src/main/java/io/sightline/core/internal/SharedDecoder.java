package io.sightline.core.internal;

import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.MediaKind;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.Track;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of a stream's one {@link StreamDecoder} (decision 0023): it runs while the source delivers encoded
 * video and a subscriber wants raw pictures, and not otherwise; it restarts when the video codec or the best decoder
 * plugin changes. Runs on the stream's supervisor thread.
 */
final class SharedDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDecoder.class);

    private final String streamName;
    private final MediaFanout fanout;
    private final Function<String, VideoDecoderFactory> decoders;
    private final Consumer<RawVideoFrame> publish;
    private final Runnable keyframeRequest;
    private String missingDecoderLogged;

    /**
     * @param decoders        the best decoder plugin for a codec name ({@code h264}), or null
     * @param publish         receives the decoded pictures of live units, on the decoder thread
     * @param keyframeRequest asks the source for a keyframe (the decoder starts or resumes at one)
     */
    SharedDecoder(String streamName, MediaFanout fanout, Function<String, VideoDecoderFactory> decoders,
            Consumer<RawVideoFrame> publish, Runnable keyframeRequest) {
        this.streamName = streamName;
        this.fanout = fanout;
        this.decoders = decoders;
        this.publish = publish;
        this.keyframeRequest = keyframeRequest;
    }

    /**
     * The video track a decoder should run for: the source's, when the source delivers it encoded (it pushed no
     * pictures itself) and a subscriber wants pictures; else null.
     */
    static Track decodable(boolean sourceRunning, boolean sourceMakesPictures, boolean wantsRaw,
            List<Track> sourceTracks) {
        if (!sourceRunning || sourceMakesPictures || !wantsRaw) {
            return null;
        }
        for (Track t : sourceTracks) {
            if (t.kind() == MediaKind.VIDEO) {
                return t;
            }
        }
        return null;
    }

    /** Starts, keeps, restarts or stops the decoder so that it decodes {@code video} (none when null). */
    void reconcile(Track video) {
        VideoDecoderFactory factory = video == null ? null : decoders.apply(codecKey(video));
        StreamDecoder running = fanout.decoder();
        if (running != null && (video == null || running.factory() != factory
                || running.track().parameters().codec() != video.parameters().codec())) {
            stop();
        }
        if (video == null || fanout.decoder() != null) {
            return;
        }
        if (factory == null) {
            if (!codecKey(video).equals(missingDecoderLogged)) {
                missingDecoderLogged = codecKey(video);
                LOG.warn("Stream '{}': no {} decoder is installed, so raw-picture subscribers (P2P viewers) get no "
                        + "pictures from this passthrough source", streamName, missingDecoderLogged);
            }
            return;
        }
        missingDecoderLogged = null;
        StreamDecoder started = fanout.attachDecoder(seed -> new StreamDecoder(streamName, factory, video, seed,
                publish, keyframeRequest));
        started.start();
    }

    void stop() {
        StreamDecoder d = fanout.detachDecoder();
        if (d != null) {
            d.close();
        }
    }

    private static String codecKey(Track track) {
        return track.parameters().codec().name().toLowerCase(Locale.ROOT);
    }
}
