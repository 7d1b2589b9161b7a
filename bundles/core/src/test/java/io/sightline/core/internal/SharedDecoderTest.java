package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sightline.api.codec.VideoDecoder;
import io.sightline.api.codec.VideoDecoderFactory;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.Track;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the shared decoder runs, with which plugin, and that it is closed when it stops. */
class SharedDecoderTest {
    private final MediaFanout fanout = new MediaFanout(new StreamStatus(StreamState.LIVE, "", 0));
    private final Map<String, VideoDecoderFactory> installed = new HashMap<>();
    private final SharedDecoder shared = new SharedDecoder("cam", fanout, installed::get, p -> { }, () -> { });
    private final CountDownLatch closed = new CountDownLatch(2);

    /** Decoders that decode nothing and count down when closed (on their decoder thread). */
    private final VideoDecoderFactory factory = parameters -> new VideoDecoder() {
        @Override
        public int decode(EncodedUnit unit, Consumer<RawVideoFrame> output) {
            return 0;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    };

    @AfterEach
    void stop() {
        shared.stop();
    }

    @Test
    void aDecoderRunsOnlyForAnEncodedSourceWithRawSubscribers() {
        List<Track> video = List.of(ControlledSources.VIDEO);
        assertSame(ControlledSources.VIDEO, SharedDecoder.decodable(true, false, true, video));
        assertNull(SharedDecoder.decodable(false, false, true, video), "no source");
        assertNull(SharedDecoder.decodable(true, true, true, video), "the source makes pictures itself");
        assertNull(SharedDecoder.decodable(true, false, false, video), "nobody wants pictures");
        assertNull(SharedDecoder.decodable(true, false, true, List.of()), "no video track");
    }

    @Test
    void startsWithAPluginKeepsRunningRestartsOnANewCodecAndStops() throws Exception {
        shared.reconcile(ControlledSources.VIDEO);
        assertNull(fanout.decoder(), "no h264 decoder installed yet");
        installed.put("h264", factory);
        shared.reconcile(ControlledSources.VIDEO);
        StreamDecoder first = fanout.decoder();
        assertNotNull(first);
        shared.reconcile(ControlledSources.VIDEO);
        assertSame(first, fanout.decoder(), "unchanged: the same decoder goes on");

        installed.put("vp8", factory);
        shared.reconcile(Track.video(CodecParameters.vp8(), 320, 240, 30));
        assertNotSame(first, fanout.decoder(), "another codec: another decoder");
        shared.reconcile(null);
        assertNull(fanout.decoder());
        assertEquals(true, closed.await(5, TimeUnit.SECONDS), "both decoders closed");
    }
}
