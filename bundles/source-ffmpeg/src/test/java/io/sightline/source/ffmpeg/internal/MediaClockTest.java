package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MediaClockTest {
    @Test
    void missingFirstTimestampsAreEstimatedAndRealOnesContinueFromThem() {
        MediaClock clock = new MediaClock(33_333, new MediaClock.Origin());
        assertEquals(0, clock.next(null));
        assertEquals(33_333, clock.next(null));
        assertEquals(66_666, clock.next(9_000_000L), "re-based to follow the estimate");
        assertEquals(99_999, clock.next(9_033_333L));
    }

    @Test
    void tracksOfOneInputShareTheirOrigin() {
        MediaClock.Origin origin = new MediaClock.Origin();
        MediaClock video = new MediaClock(33_333, origin);
        MediaClock audio = new MediaClock(20_000, origin);
        assertEquals(0, video.next(5_000_000L));
        assertEquals(300_000, audio.next(5_300_000L), "audio starting 300 ms later stays 300 ms later");
    }

    @Test
    void jumpsAndRewindsAreSmoothedOut() {
        MediaClock clock = new MediaClock(40_000, new MediaClock.Origin());
        clock.next(1_000_000L);
        clock.next(1_040_000L);
        assertEquals(80_000, clock.next(0L), "a step back continues one frame later");
        assertEquals(120_000, clock.next(40_000L));
        assertEquals(160_000, clock.next(60_000_000L), "a leap continues one frame later");
        clock.rebase();
        assertEquals(200_000, clock.next(60_010_000L), "an explicit rebase continues one frame later");
    }
}
