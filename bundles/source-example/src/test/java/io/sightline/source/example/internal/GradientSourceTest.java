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
    void createStartsNothing() {
        RecordingSink sink = new RecordingSink(Map.of());
        source = (GradientSource) factory.create(sink);
        assertTrue(sink.callingThreads.isEmpty() && sink.frames.isEmpty() && sink.announced.isEmpty());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().contains("gradient")),
                "no thread before start()");
    }

    @Test
    void pushesPicturesOfTheConfiguredSizeOnTheConfiguredRatesGrid() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "320", "source.height", "180", "source.fps", "25"));
        sink.awaitFrames(5);
        source.stop();

        // The rate is in the presentation times, computed from the picture's slot (n / fps): checked exactly,
        // rather than by counting pictures against the wall clock of a loaded machine.
        List<RawVideoFrame> frames = List.copyOf(sink.frames);
        for (int i = 1; i < frames.size(); i++) {
            long step = frames.get(i).ptsMicros() - frames.get(i - 1).ptsMicros();
            assertTrue(step > 0 && step % 40_000 == 0, "pts step " + step + " us at 25 fps");
        }
        assertEquals(25.0, frames.get(0).frameRate(), "the pictures tell the encoder their rate");
        assertEquals(List.of(List.of()), sink.announced, "raw pictures only: announces no tracks of its own");
        assertEquals(1, sink.callingThreads.size(), "all calls from the source's one thread");
        assertNotSame(Thread.currentThread(), sink.callingThreads.get(0));
        assertTrue(sink.failures.isEmpty());
        for (RawVideoFrame f : frames) {
            assertEquals(320, f.width());
            assertEquals(180, f.height());
            assertEquals(RawVideoFrame.i420Size(320, 180), f.data().length);
        }
    }

    @Test
    void ptsFollowsTheFrameGridAndEveryPictureHasItsOwnBuffer() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "64", "source.height", "32", "source.fps", "20"));
        sink.awaitFrames(5);
        source.stop();
        List<RawVideoFrame> frames = List.copyOf(sink.frames);
        for (int i = 1; i < frames.size(); i++) {
            long step = frames.get(i).ptsMicros() - frames.get(i - 1).ptsMicros();
            // 50 ms at 20 fps, or a whole number of periods when the thread skipped slots.
            assertTrue(step > 0 && step % 50_000 == 0, "pts step " + step + " us");
            assertNotSame(frames.get(i).data(), frames.get(i - 1).data());
            assertTrue(Math.abs(frames.get(i).captureTimeMillis() - System.currentTimeMillis()) < 5_000);
        }
    }

    @Test
    void stopEndsTheThreadMidPeriodAndTheSameInstanceRestarts() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.width", "64", "source.height", "32", "source.fps", "1"));
        sink.awaitFrames(1); // the first picture of a run is due at once; the thread then parks for a second
        source.stop();
        // stop() unparks the thread and joins it: once it returns, nothing can push, no need to watch for a while.
        assertFalse(sink.callingThreads.get(0).isAlive(), "the thread ended within stop(), mid-period at 1 fps");
        int afterStop = sink.frames.size();
        assertEquals(1, afterStop);
        source.stop(); // idempotent

        source.start();
        sink.awaitFrames(afterStop + 1);
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
        assertTrue(sink.awaitFailure(10_000), "failure reported");
        // The thread returns after reporting: once it ended, the count is final.
        sink.callingThreads.get(0).join(10_000);
        assertFalse(sink.callingThreads.get(0).isAlive());
        assertEquals(5, sink.frames.size());
        assertEquals(List.of("simulated failure after 5 frames (source.fail.after.frames)"), sink.failures);

        // What the core does next: stop(), then start() again after its backoff. Each run fails the same way.
        source.stop();
        source.start();
        sink.awaitFrames(10);
        sink.callingThreads.get(sink.callingThreads.size() - 1).join(10_000); // the second run ends by itself too
        assertEquals(10, sink.frames.size());
        assertEquals(2, sink.failures.size());
    }

    @Test
    void aStoppedSourceReportsNoFailure() throws InterruptedException {
        RecordingSink sink = start(Map.of("source.fps", "50", "source.fail.after.frames", "1000"));
        sink.awaitFrames(3);
        source.stop();
        assertFalse(sink.callingThreads.get(0).isAlive(), "the thread ended: nothing can be reported any more");
        assertTrue(sink.failures.isEmpty());
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
