package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one run of a capture source sees of its stream: the sink it pushes to and its context. A run is numbered
 * ({@code generation}); once the stream stopped or restarted the source, the old run's late media and failures are
 * ignored, so a slow-to-stop source cannot disturb the next one.
 */
final class SourceRun implements MediaSink, SourceContext {
    /** The stream side of a run; called on the source's thread unless noted. */
    interface Target {
        boolean isCurrent(int generation);

        void tracks(List<Track> announced);

        void unit(EncodedUnit unit);

        void picture(RawVideoFrame frame);

        /** The source's simulcast layers (decision 0048). */
        default void layers(List<Rendition> layers) {
        }

        /** A video unit of one of the layers. */
        default void layerUnit(Rendition layer, Track video, EncodedUnit unit) {
        }

        /** The run's first media (once): the stream is live. */
        void firstMedia(SourceRun run);

        /** The run's first picture (once): the source makes pictures itself, no decoder is needed. */
        void firstPicture();

        void failed(int generation, String reason, Throwable cause);

        /** The run's input is away for now (a publisher left or has not come yet); any thread. */
        void waiting(SourceRun run, StreamState state, String detail);
    }

    private final int generation;
    private final CaptureSourceFactory factory;
    /** The stream's current settings: replaced when only keys that leave the source running changed. */
    private volatile StreamSettings settings;
    private final Path dataDirectory;
    private final Target stream;
    private final EncodePolicy encoding;
    private volatile long startedAt;
    private volatile boolean pictures;
    /** Set by the source's thread(s); a source that waits for its input may push from one thread and wait from another. */
    private volatile boolean live;
    private volatile boolean waiting;

    SourceRun(int generation, CaptureSourceFactory factory, StreamSettings settings, Path dataDirectory,
            Target stream, EncodePolicy encoding) {
        this.generation = generation;
        this.factory = factory;
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.stream = stream;
        this.encoding = encoding;
    }

    int generation() {
        return generation;
    }

    /** The stream's settings changed in keys the running source reads where it uses them ({@link #config()}). */
    void settingsChanged(StreamSettings next) {
        settings = next;
    }

    CaptureSourceFactory factory() {
        return factory;
    }

    /** When the source was started; the watchdog counts silence from here until the first unit. */
    long startedAt() {
        return startedAt;
    }

    void started(long millis) {
        startedAt = millis;
    }

    boolean makesPictures() {
        return pictures;
    }

    boolean hasEncoder() {
        return encoding.hasEncoder();
    }

    private boolean current() {
        return stream.isCurrent(generation);
    }

    @Override
    public void tracks(List<Track> announced) {
        if (current()) {
            stream.tracks(List.copyOf(announced));
        }
    }

    @Override
    public void push(EncodedUnit unit) {
        if (!current()) {
            return;
        }
        markLive();
        stream.unit(unit);
    }

    @Override
    public void layers(List<Rendition> layers) {
        if (current()) {
            stream.layers(List.copyOf(layers));
        }
    }

    @Override
    public void push(Rendition layer, Track video, EncodedUnit unit) {
        if (current()) {
            stream.layerUnit(layer, video, unit);
        }
    }

    @Override
    public void push(RawVideoFrame frame) {
        if (!current()) {
            return;
        }
        markLive();
        if (!pictures) {
            pictures = true;
            stream.firstPicture();
        }
        stream.picture(frame);
        encoding.picture(frame);
    }

    /** Whether the source said its input is away and no media came since: the silence watchdog leaves it alone. */
    boolean waiting() {
        return waiting;
    }

    private void markLive() {
        if (!live) {
            live = true;
            waiting = false;
            stream.firstMedia(this);
        }
    }

    @Override
    public void failed(String reason, Throwable cause) {
        stream.failed(generation, reason, cause);
    }

    @Override
    public void waiting(StreamState state, String detail) {
        if (state != StreamState.IDLE && state != StreamState.RECONNECTING) {
            throw new IllegalArgumentException("a waiting source is IDLE or RECONNECTING, not " + state);
        }
        if (!current()) {
            return;
        }
        waiting = true;
        live = false; // the next media is a new start: LIVE again
        stream.waiting(this, state, detail == null ? "" : detail);
    }

    void close() {
        encoding.close();
    }

    // SourceContext

    @Override
    public String streamName() {
        return settings.name();
    }

    @Override
    public Map<String, Object> config() {
        return settings.properties();
    }

    @Override
    public MediaSink sink() {
        return this;
    }

    @Override
    public Path dataDirectory() {
        return dataDirectory;
    }
}
