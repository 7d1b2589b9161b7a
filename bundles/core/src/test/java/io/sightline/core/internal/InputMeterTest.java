package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputMeterTest {
    private static EncodedUnit unit(long arrivalNanos) {
        return new EncodedUnit(Track.VIDEO, Codec.H264, 0, 0, false, List.of(ByteBuffer.allocate(10)), arrivalNanos);
    }

    @Test
    void ingestDelayPercentilesComeFromTheUnitsArrivalTimes() {
        InputMeter meter = new InputMeter();
        long now = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            // 95 units that waited about 1 ms, 5 that waited about 50 ms
            meter.unit(unit(now - (i < 95 ? 1_000_000L : 50_000_000L)), 1000 + i);
        }
        meter.unit(unit(System.nanoTime()), 4000); // closes the window
        long p50 = meter.stats().ingestDelayP50Micros();
        long p95 = meter.stats().ingestDelayP95Micros();
        assertTrue(p50 >= 1000 && p50 < 40_000, "p50 " + p50);
        assertTrue(p95 >= 1000 && p95 < 50_000, "p95 " + p95);
        assertTrue(p50 <= p95);
    }

    @Test
    void unitsWithoutArrivalTimesReportNoIngestDelay() {
        InputMeter meter = new InputMeter();
        meter.unit(unit(0), 1000);
        meter.unit(unit(0), 4000);
        assertEquals(-1, meter.stats().ingestDelayP50Micros());
        assertEquals(-1, meter.stats().ingestDelayP95Micros());
    }
}
