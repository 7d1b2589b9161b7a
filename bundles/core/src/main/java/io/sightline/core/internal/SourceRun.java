package io.sightline.core.internal;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
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

        /** The run's first media (once): the stream is live. */
        void firstMedia(SourceRun run);

        /** The run's first picture (once): the source makes pictures itself, no decoder is needed. */
        void firstPicture();

        void failed(int generation, String reason, Throwable cause);
    }

    private final int generation;
    private final CaptureSourceFactory factory;
    private final StreamSettings settings;
    private final Path dataDirectory;
    private final Target stream;
    private final EncodePolicy encoding;
    private volatile long startedAt;
    private volatile boolean pictures;
    private boolean live;

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

    private void markLive() {
        if (!live) {
            live = true;
            stream.firstMedia(this);
        }
    }

    @Override
    public void failed(String reason, Throwable cause) {
        stream.failed(generation, reason, cause);
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
