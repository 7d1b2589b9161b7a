package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sightline.api.media.RawVideoFrame;
import org.junit.jupiter.api.Test;

class PictureEncoderRateTest {
    private static RawVideoFrame frame(double rate) {
        return new RawVideoFrame(16, 16, new byte[RawVideoFrame.i420Size(16, 16)], 0, 0, rate);
    }

    @Test
    void encodesAtTheRateThePicturesCarry() {
        assertEquals(25, PictureEncoder.encoderFps(frame(25)), "a transcoded 25 fps camera");
        assertEquals(30, PictureEncoder.encoderFps(frame(29.97)), "NTSC rounds to the nearest whole rate");
        assertEquals(1, PictureEncoder.encoderFps(frame(0.2)), "a slow feed still gives the encoder a valid rate");
    }

    @Test
    void assumesThirtyWhenTheSourceDoesNotKnow() {
        assertEquals(PictureEncoder.DEFAULT_FPS,
                PictureEncoder.encoderFps(new RawVideoFrame(16, 16, new byte[RawVideoFrame.i420Size(16, 16)], 0, 0)));
    }
}
