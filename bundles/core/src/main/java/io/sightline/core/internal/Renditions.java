package io.sightline.core.internal;

import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.StreamStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The renditions of one stream that run now: each is started by its first subscriber and stopped
 * {@code renditions.stop.after.seconds} after its last one left (a viewer that switches rungs or reloads should not
 * pay for an encoder restart). The map is guarded by this object; starting and stopping a run's threads happens
 * under it too, which is short (a thread start, a queue close).
 */
final class Renditions implements RenditionRun.Host {
    /** What the renditions need from their stream. */
    interface Host {
        /** Opens a feed of the stream's pictures and audio for {@code run}. */
        SubscriberQueue feed(RenditionRun run);

        StreamSettings settings();

        StreamStatus status();

        VideoEncoderFactory encoderFactory(String codec);

        StreamScheduler scheduler();
    }

    private final String streamName;
    private final Host host;
    private final Map<Rendition, RenditionRun> running = new HashMap<>();

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
    synchronized <T> T attach(Rendition rendition, Function<RenditionRun, T> attach) {
        RenditionRun run = running.get(rendition);
        if (run == null) {
            StreamSettings s = host.settings();
            if (!s.ladder(rendition.codec()).contains(rendition)) {
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
    }

    synchronized List<RenditionStatus> status() {
        List<RenditionStatus> all = new ArrayList<>();
        for (RenditionRun run : running.values()) {
            all.add(run.status());
        }
        all.sort((a, b) -> Integer.compare(b.rendition().bitrateKbps(), a.rendition().bitrateKbps()));
        return all;
    }
}
