package io.sightline.source.testpattern.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.RawVideoFrame;
import io.sightline.source.testpattern.timecode.TimecodeReader;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestPatternSourceTest {
    private final RecordingContext context = new RecordingContext("rate-test",
            Map.of("source.width", 320, "source.height", 180, "source.fps", 30));
    private final TestPatternSource source =
            (TestPatternSource) Factories.factory(Map.of()).create(context);

    @AfterEach
    void stop() {
        source.stop();
    }

    @Test
    void createDoesNotStartAnything() throws InterruptedException {
        Thread.sleep(100);
        assertTrue(context.frames.isEmpty());
    }

    @Test
    void deliversFramesAtTheConfiguredRate() throws InterruptedException {
        source.start();
        Thread.sleep(500);
        int count = context.frames.size();
        // 15 expected; wide bounds: this checks pacing, not the machine's scheduler.
        assertTrue(count >= 9 && count <= 22, "frames in 500 ms at 30 fps: " + count);
        assertEquals(List.of(List.of()), context.announced, "announces no tracks of its own");
        assertEquals(1, context.pushThreads.size());
        assertTrue(context.failures.isEmpty());
    }

    @Test
    void framesCarryTheirCaptureTimeAndARegularClock() throws InterruptedException {
        source.start();
        Thread.sleep(300);
        source.stop();
        List<RawVideoFrame> frames = List.copyOf(context.frames);
        assertTrue(frames.size() >= 3, "frames: " + frames.size());
        for (int i = 0; i < frames.size(); i++) {
            RawVideoFrame frame = frames.get(i);
            assertEquals(320, frame.width());
            assertEquals(180, frame.height());
            assertEquals(OptionalLong.of(frame.captureTimeMillis()), TimecodeReader.read(frame));
            if (i > 0) {
                long step = frame.ptsMicros() - frames.get(i - 1).ptsMicros();
                // On the 1/30 s grid (33333 or 33334 us), or a whole number of frames when one was skipped.
                assertTrue(step > 0 && Math.abs(step - Math.round(step / 33_333.3) * 33_333.3) < 2, "pts step " + step);
                assertFalse(frame.data() == frames.get(i - 1).data(), "a new buffer per frame");
            }
        }
    }

    @Test
    void stopsPromptlyAndRestarts() throws InterruptedException {
        source.start();
        Thread.sleep(150);
        long begin = System.nanoTime();
        source.stop();
        long stopMs = (System.nanoTime() - begin) / 1_000_000;
        assertTrue(stopMs < 500, "stop took " + stopMs + " ms");
        int afterStop = context.frames.size();
        Thread.sleep(150);
        assertEquals(afterStop, context.frames.size(), "no frames after stop()");
        source.stop(); // idempotent

        source.start();
        Thread.sleep(200);
        source.stop();
        assertTrue(context.frames.size() > afterStop, "restarted");
        long lastPts = context.frames.get(afterStop - 1).ptsMicros();
        assertTrue(context.frames.get(afterStop).ptsMicros() > lastPts, "pts keeps rising across restarts");
        assertEquals(context.frames.size(), source.frameCount(), "the frame counter continues across runs");
    }
}
