package io.sightline.source.testpattern.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.RawVideoFrame;
import io.sightline.source.testpattern.timecode.TimecodeReader;
import io.sightline.testing.RecordingSourceContext;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestPatternSourceTest {
    private final RecordingSourceContext context = new RecordingSourceContext("rate-test",
            Map.of("source.width", 320, "source.height", 180, "source.fps", 30));
    private final TestPatternSource source =
            (TestPatternSource) Factories.factory(Map.of()).create(context);

    @AfterEach
    void stop() {
        source.stop();
    }

    @Test
    void createDoesNotStartAnything() {
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("sightline-testpattern-rate-test")), "no thread before start()");
        assertTrue(context.frames.isEmpty());
    }

    @Test
    void deliversFramesOnTheConfiguredRatesGrid() throws InterruptedException {
        source.start();
        context.awaitFrames(5);
        source.stop();
        List<RawVideoFrame> frames = List.copyOf(context.frames);
        // The rate is in the presentation times, which the pacer computes from the frame index (n / fps): checked
        // exactly, rather than by counting pictures against the wall clock of a loaded machine.
        for (int i = 1; i < frames.size(); i++) {
            long step = frames.get(i).ptsMicros() - frames.get(i - 1).ptsMicros();
            assertTrue(step > 0 && Math.abs(step - Math.round(step / 33_333.3) * 33_333.3) < 2, "pts step " + step);
        }
        assertEquals(30.0, frames.get(0).frameRate(), "the pictures tell the encoder their rate");
        assertEquals(List.of(List.of()), context.announced, "announces no tracks of its own");
        assertEquals(1, context.pushThreads.size());
        assertTrue(context.failures.isEmpty());
    }

    @Test
    void framesCarryTheirCaptureTimeAndANewBufferEach() throws InterruptedException {
        source.start();
        context.awaitFrames(3);
        source.stop();
        List<RawVideoFrame> frames = List.copyOf(context.frames);
        for (int i = 0; i < frames.size(); i++) {
            RawVideoFrame frame = frames.get(i);
            assertEquals(320, frame.width());
            assertEquals(180, frame.height());
            assertEquals(OptionalLong.of(frame.captureTimeMillis()), TimecodeReader.read(frame));
            if (i > 0) {
                assertFalse(frame.data() == frames.get(i - 1).data(), "a new buffer per frame");
            }
        }
    }

    @Test
    void stopEndsTheThreadAndTheSameInstanceRestarts() throws InterruptedException {
        source.start();
        context.awaitFrames(2);
        source.stop();
        // stop() returns once the pacing thread ended: nothing can push after it, no need to watch for a while.
        Thread pacer = context.pushThreads.get(0);
        assertFalse(pacer.isAlive(), "the pacing thread ended within stop()");
        int afterStop = context.frames.size();
        source.stop(); // idempotent

        source.start();
        context.awaitFrames(afterStop + 1);
        source.stop();
        assertTrue(context.frames.size() > afterStop, "restarted");
        long lastPts = context.frames.get(afterStop - 1).ptsMicros();
        assertTrue(context.frames.get(afterStop).ptsMicros() > lastPts, "pts keeps rising across restarts");
        assertEquals(context.frames.size(), source.frameCount(), "the frame counter continues across runs");
    }
}
