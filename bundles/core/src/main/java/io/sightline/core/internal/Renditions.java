package io.sightline.core.internal;

import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.StreamStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The renditions of one stream that run now: each is started by its first subscriber and stopped
 * {@code renditions.stop.after.seconds} after its last one left (a viewer that switches rungs or reloads should not
 * pay for an encoder restart). The map is guarded by this object; starting and stopping a run's threads happens
 * under it too, which is short (a thread start, a queue close).
 */
final class Renditions implements RenditionRun.Host, LayerRun.Host {
    /** What the renditions need from their stream. */
    interface Host {
        /** Opens a feed of the stream's pictures and audio for {@code run}. */
        SubscriberQueue feed(RenditionRun run);

        /** Opens a feed of the stream's audio for {@code layer}. */
        SubscriberQueue feed(LayerRun layer);

        /** Asks the source for a keyframe of one of its layers. */
        void requestKeyframe(Rendition layer);

        StreamSettings settings();

        StreamStatus status();

        VideoEncoderFactory encoderFactory(String codec);

        StreamScheduler scheduler();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Renditions.class);

    private final String streamName;
    private final Host host;
    private final Map<Rendition, RenditionRun> running = new HashMap<>();
    /** The publisher's layers by their name (rid), top first; written under this object's lock, read by the source. */
    private final Map<String, LayerRun> layers = new ConcurrentHashMap<>();
    private volatile List<Rendition> announced = List.of();

    Renditions(String streamName, Host host) {
        this.streamName = streamName;
        this.host = host;
    }

    /**
     * The run of {@code rendition}, started if needed, with {@code attach} applied under this object's lock so that
     * an idle check cannot stop it between the start and the first subscriber.
     *
     * @throws IllegalArgumentException when the rendition is not a rung of the stream's ladder or no encoder for its
     *                                  codec is installed
     */
    synchronized <T> T attach(Rendition rendition, Function<Rung, T> attach) {
        if (rendition.isLayer()) {
            LayerRun layer = layers.get(rendition.layer());
            if (layer == null || !layer.rendition().sameRung(rendition)) {
                throw new IllegalArgumentException("stream '" + streamName + "' has no layer " + rendition.key()
                        + " (its publisher sends " + (announced.isEmpty() ? "no simulcast layers" : keys(announced))
                        + ")");
            }
            if (!layer.fed()) {
                layer.feed(host.feed(layer));
            }
            return attach.apply(layer);
        }
        RenditionRun run = running.get(rendition);
        if (run == null) {
            StreamSettings s = host.settings();
            if (!s.ladder(rendition.codec()).contains(rendition) && !encodesALayer(rendition)) {
                throw new IllegalArgumentException("stream '" + streamName + "' has no rendition "
                        + rendition.key() + " (renditions = " + s.properties().getOrDefault(Rendition.RENDITIONS,
                                StreamSettings.DEFAULT_RENDITIONS) + ")");
            }
            VideoEncoderFactory encoders = host.encoderFactory(rendition.codec().name().toLowerCase(Locale.ROOT));
            if (encoders == null) {
                throw new IllegalArgumentException("no " + rendition.codec() + " encoder is installed (feature "
                        + "sightline-codec-ffmpeg)");
            }
            int maxFps = rendition.equals(s.floor(rendition.codec())) ? StreamSettings.FLOOR_FPS : 0;
            run = new RenditionRun(streamName, rendition, encoders, s.gopFrames(), maxFps, this, host.scheduler()::millis,
                    host.status());
            run.start(host.feed(run));
            running.put(rendition, run);
        }
        return attach.apply(run);
    }

    /** An encoding of a layer's size (codec fallback for viewers that cannot take the publisher's codec). */
    private boolean encodesALayer(Rendition rendition) {
        for (Rendition l : announced) {
            if (l.in(rendition.codec()).equals(rendition)) {
                return true;
            }
        }
        return false;
    }

    private static String keys(List<Rendition> rungs) {
        return rungs.stream().map(Rendition::key).toList().toString();
    }

    /**
     * The source announced its layers (decision 0048): new ones get a run, known ones their new measurements, and
     * layers no longer sent end (their subscribers see the rung close).
     */
    synchronized void layers(List<Rendition> now) {
        List<Rendition> accepted = new ArrayList<>();
        for (Rendition l : now) {
            if (l.isLayer()) {
                accepted.add(l);
                LayerRun run = layers.get(l.layer());
                if (run == null || run.rendition().codec() != l.codec()) {
                    if (run != null) {
                        run.stop();
                    }
                    layers.put(l.layer(), new LayerRun(streamName, l, this, host.scheduler()::millis, host.status()));
                } else {
                    run.announced(l);
                }
            }
        }
        for (LayerRun run : List.copyOf(layers.values())) {
            if (accepted.stream().noneMatch(l -> l.layer().equals(run.rendition().layer()))) {
                layers.remove(run.rendition().layer());
                run.stop();
            }
        }
        if (!keys(accepted).equals(keys(announced))) {
            LOG.info("Stream '{}': the publisher sends {}", streamName, accepted.isEmpty() ? "no simulcast layers"
                    : "the simulcast layers " + accepted.stream().map(l -> l.layer() + " " + l.width() + "x"
                            + l.height()).toList());
        }
        announced = List.copyOf(accepted);
    }

    /** The announced layers, top first; empty without a simulcast publisher. */
    List<Rendition> layers() {
        return announced;
    }

    /** A video unit of a layer, on the source's thread. */
    void layerUnit(Rendition layer, Track video, EncodedUnit unit) {
        LayerRun run = layer.layer() == null ? null : layers.get(layer.layer());
        if (run != null) {
            run.video(video, unit);
        }
    }

    @Override
    public void idle(LayerRun layer) {
        long after = host.settings().renditionsStopAfterSeconds() * 1000L;
        host.scheduler().schedule(() -> unfeedIfIdle(layer), after);
    }

    private synchronized void unfeedIfIdle(LayerRun layer) {
        if (!layer.hasSubscribers()) {
            layer.unfeed();
        }
    }

    @Override
    public void requestKeyframe(Rendition layer) {
        host.requestKeyframe(layer);
    }

    @Override
    public void idle(RenditionRun run) {
        long after = host.settings().renditionsStopAfterSeconds() * 1000L;
        host.scheduler().schedule(() -> stopIfIdle(run), after);
    }

    private synchronized void stopIfIdle(RenditionRun run) {
        if (!run.hasSubscribers() && running.remove(run.rendition(), run)) {
            run.stop();
        }
    }

    /** The stream goes away, or its ladder changed: every run stops (their subscribers see the stream close). */
    synchronized void stopAll() {
        running.values().forEach(RenditionRun::stop);
        running.clear();
        layers.values().forEach(LayerRun::stop);
        layers.clear();
        announced = List.of();
    }

    /** The publisher's layers (all of them, watched or not), top first, then the running encodings. */
    synchronized List<RenditionStatus> status() {
        List<RenditionStatus> all = new ArrayList<>();
        for (Rendition l : announced) {
            LayerRun run = layers.get(l.layer());
            if (run != null) {
                all.add(run.status());
            }
        }
        List<RenditionStatus> encoded = new ArrayList<>();
        for (RenditionRun run : running.values()) {
            encoded.add(run.status());
        }
        encoded.sort((a, b) -> Integer.compare(b.rendition().bitrateKbps(), a.rendition().bitrateKbps()));
        all.addAll(encoded);
        return all;
    }
}
