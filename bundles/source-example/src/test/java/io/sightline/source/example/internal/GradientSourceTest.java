package io.sightline.source.example.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.RawVideoFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GradientSourceTest {
    private final GradientSourceFactory factory = GradientSourceFactoryTest.factoryWithDefaults();
    private GradientSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.stop();
        }
    }

    private RecordingSink start(Map<String, Object> config) {
        RecordingSink sink = new RecordingSink(config);
        source = (GradientSource) factory.create(sink);
        source.start();
        return sink;
    }

    @Test
    void createStartsNothing() throws InterruptedException {
        RecordingSink sink = new RecordingSink(Map.of());
        source = (GradientSource) factory.create(sink);
        Thread.sleep(100);
        assertTrue(sink.frames.isEmpty());
        assertTrue(sink.announced.isEmpty());
    }

    @Test
    void pushesPicturesOfTheConfiguredSizeAtTheConfiguredRate() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "320", "source.height", "180", "source.fps", "25"));
        Thread.sleep(1000);
        source.stop();

        int count = sink.frames.size();
        // 25 expected; wide bounds because two shared cores schedule threads late, but a wrong pacing would miss them.
        assertTrue(count >= 18 && count <= 28, "pictures in 1 s at 25 fps: " + count);
        assertEquals(List.of(List.of()), sink.announced, "raw pictures only: announces no tracks of its own");
        assertEquals(1, sink.callingThreads.size(), "all calls from the source's one thread");
        assertNotSame(Thread.currentThread(), sink.callingThreads.get(0));
        assertTrue(sink.failures.isEmpty());
        for (RawVideoFrame f : sink.frames) {
            assertEquals(320, f.width());
            assertEquals(180, f.height());
            assertEquals(RawVideoFrame.i420Size(320, 180), f.data().length);
        }
    }

    @Test
    void ptsFollowsTheFrameGridAndEveryPictureHasItsOwnBuffer() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "64", "source.height", "32", "source.fps", "20"));
        Thread.sleep(500);
        source.stop();
        List<RawVideoFrame> frames = List.copyOf(sink.frames);
        assertTrue(frames.size() >= 5, "pictures: " + frames.size());
        for (int i = 1; i < frames.size(); i++) {
            long step = frames.get(i).ptsMicros() - frames.get(i - 1).ptsMicros();
            // 50 ms at 20 fps, or a whole number of periods when the thread skipped slots.
            assertTrue(step > 0 && step % 50_000 == 0, "pts step " + step + " us");
            assertNotSame(frames.get(i).data(), frames.get(i - 1).data());
            assertTrue(Math.abs(frames.get(i).captureTimeMillis() - System.currentTimeMillis()) < 5_000);
        }
    }

    @Test
    void stopReturnsPromptlyAndTheSameInstanceRestarts() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "64", "source.height", "32", "source.fps", "1"));
        Thread.sleep(100); // the thread is now parked for most of a one-second frame period
        long begin = System.nanoTime();
        source.stop();
        long stopMillis = (System.nanoTime() - begin) / 1_000_000;
        assertTrue(stopMillis < 300, "stop() took " + stopMillis + " ms at 1 fps");
        int afterStop = sink.frames.size();
        Thread.sleep(1200);
        assertEquals(afterStop, sink.frames.size(), "no pictures after stop()");
        source.stop(); // idempotent

        source.start();
        Thread.sleep(100);
        source.stop();
        assertEquals(afterStop + 1, sink.frames.size(), "restarted: the first picture of a run is due at once");
        assertTrue(sink.frames.get(afterStop).ptsMicros() > sink.frames.get(afterStop - 1).ptsMicros(),
                "pts keeps rising across restarts");
        assertEquals(2, sink.announced.size(), "tracks announced again by each run");
        assertEquals(sink.frames.size(), source.frameCount(), "the picture counter continues across runs");
    }

    @Test
    void reportsAFailureOnceAfterTheConfiguredFramesAndStopsPushing() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "64", "source.height", "32", "source.fps", "50",
                "source.fail.after.frames", "5"));
        assertTrue(sink.awaitFailure(2000), "failure reported");
        Thread.sleep(100);
        assertEquals(5, sink.frames.size());
        assertEquals(List.of("simulated failure after 5 frames (source.fail.after.frames)"), sink.failures);

        // What the core does next: stop(), then start() again after its backoff. Each run fails the same way.
        source.stop();
        source.start();
        Thread.sleep(400);
        assertEquals(10, sink.frames.size());
        assertEquals(2, sink.failures.size());
    }

    @Test
    void aStoppedSourceReportsNoFailure() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.fps", "50", "source.fail.after.frames", "1000"));
        Thread.sleep(100);
        source.stop();
        assertFalse(sink.awaitFailure(100));
    }

    @Test
    void badConfigurationFailsAtCreateNotAtStart() {
        Map<String, Object> config = new HashMap<>(Map.of("source.width", "641"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> factory.create(new RecordingSink(config)));
        assertEquals("source.width must be even and 16..1920, got 641", e.getMessage());
        config.put("source.width", "wide");
        assertThrows(IllegalArgumentException.class, () -> factory.create(new RecordingSink(config)));
        assertThrows(IllegalArgumentException.class,
                () -> factory.create(new RecordingSink(Map.of("source.fps", "0"))));
    }
}
