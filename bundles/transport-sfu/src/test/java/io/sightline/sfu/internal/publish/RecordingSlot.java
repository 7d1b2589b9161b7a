package io.sightline.sfu.internal.publish;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.source.MediaSink;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.Track;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A waiting stream that records what its publisher pushes and when it leaves. */
final class RecordingSlot implements PublishedStreams.Slot, SourceContext, MediaSink {
    final List<List<Track>> announced = new CopyOnWriteArrayList<>();
    final List<EncodedUnit> units = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<List<Rendition>> layers = new CopyOnWriteArrayList<>();
    /** Units pushed for a layer's rung: "rid width [key] from x", x the layer whose unit it was (its last byte). */
    final List<String> layerUnits = new CopyOnWriteArrayList<>();

    @Override
    public void attach(PublishedStreams.Publisher publisher) {
        events.add("attach");
    }

    @Override
    public void detach(PublishedStreams.Publisher publisher, String reason) {
        events.add("detach: " + reason);
    }

    @Override
    public SourceContext context() {
        return this;
    }

    @Override
    public long keyframeRefreshNanos() {
        return 2_000_000_000L;
    }

    @Override
    public String streamName() {
        return "cam";
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }

    @Override
    public MediaSink sink() {
        return this;
    }

    @Override
    public Path dataDirectory() {
        return Path.of("unused");
    }

    @Override
    public void tracks(List<Track> tracks) {
        announced.add(tracks);
    }

    @Override
    public void push(EncodedUnit unit) {
        units.add(unit);
    }

    @Override
    public void layers(List<Rendition> announced) {
        layers.add(announced);
    }

    @Override
    public void push(Rendition layer, Track video, EncodedUnit unit) {
        java.nio.ByteBuffer part = unit.parts().get(0);
        byte from = part.get(part.limit() - 1);
        layerUnits.add(layer.layer() + " " + video.width() + (unit.keyframe() ? " key" : "") + " from "
                + (from >= 0 && from < 3 ? "lmh".charAt(from) : '?'));
    }

    @Override
    public void push(RawVideoFrame frame) {
        throw new AssertionError("publishers push encoded units");
    }

    @Override
    public void failed(String reason, Throwable cause) {
        events.add("failed: " + reason);
    }

    @Override
    public void waiting(StreamState state, String detail) {
        events.add(state + ": " + detail);
    }
}
