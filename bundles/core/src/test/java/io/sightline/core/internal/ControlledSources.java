package io.sightline.core.internal;

import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.source.CaptureSource;
import io.sightline.api.source.CaptureSourceFactory;
import io.sightline.api.source.SourceContext;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture plugin whose sources do nothing on their own: the test pushes their media, on its own thread, and
 * decides whether opening them fails. Paired with {@link ManualScheduler}, a stream's life is then fully
 * deterministic.
 */
final class ControlledSources implements CaptureSourceFactory {
    static final Track VIDEO = Track.video(CodecParameters.h264("42e01f"), 320, 240, 30);

    final List<Source> created = new ArrayList<>();
    /** How many of the next starts throw, as a camera that refuses the connection. */
    int failingStarts;

    @Override
    public CaptureSource create(SourceContext context) {
        Source s = new Source(context);
        created.add(s);
        return s;
    }

    Source last() {
        return created.get(created.size() - 1);
    }

    int running() {
        return (int) created.stream().filter(s -> s.running).count();
    }

    static EncodedUnit unit(long n, boolean keyframe) {
        ByteBuffer nal = ByteBuffer.wrap(new byte[] {(byte) (keyframe ? 0x65 : 0x41), 1, 2, 3});
        return new EncodedUnit(Track.VIDEO, Codec.H264, n * 33_333, 0, keyframe, List.of(nal));
    }

    final class Source implements CaptureSource {
        final SourceContext context;
        boolean running;
        int keyframeRequests;

        Source(SourceContext context) {
            this.context = context;
        }

        @Override
        public void start() throws Exception {
            if (failingStarts > 0) {
                failingStarts--;
                throw new java.io.IOException("connection refused");
            }
            running = true;
        }

        @Override
        public void stop() {
            running = false;
        }

        @Override
        public void requestKeyframe() {
            keyframeRequests++;
        }

        /** Announces the video track and pushes a keyframe. */
        void open() {
            context.sink().tracks(List.of(VIDEO));
            context.sink().push(unit(0, true));
        }

        void push(long n, boolean keyframe) {
            context.sink().push(unit(n, keyframe));
        }

        void fail(String reason) {
            context.sink().failed(reason, null);
        }
    }
}
