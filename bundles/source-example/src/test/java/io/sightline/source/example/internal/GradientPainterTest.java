package io.sightline.source.example.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.media.RawVideoFrame;
import org.junit.jupiter.api.Test;

class GradientPainterTest {
    private static final int W = 320;
    private static final int H = 180;
    private final GradientPainter painter = new GradientPainter(W, H, 30);

    @Test
    void paintsAWhiteBarThatMovesAcrossTheGradient() {
        byte[] first = painter.paint(0);
        byte[] later = painter.paint(15);
        assertEquals(RawVideoFrame.i420Size(W, H), first.length);
        int x0 = painter.barX(0);
        int x15 = painter.barX(15);
        assertNotEquals(x0, x15, "the bar moves");
        for (int y : new int[] {0, H / 2, H - 1}) {
            assertEquals(GradientPainter.BAR_LUMA, luma(first, x0, y));
            assertEquals(GradientPainter.BAR_LUMA, luma(later, x15, y));
            assertTrue(luma(later, x0, y) < GradientPainter.BAR_LUMA, "old bar position repainted with gradient");
        }
    }

    @Test
    void barCrossesThePictureInAboutTwoSeconds() {
        // 320 px at 30 fps: 5 px per frame, back at the left edge after 64 frames.
        assertEquals(0, painter.barX(0));
        assertEquals(5, painter.barX(1));
        assertEquals(0, painter.barX(64));
    }

    @Test
    void backgroundIsAGradientAndChromaPlanesAreFilled() {
        byte[] picture = painter.paint(32); // bar in the middle, away from the sampled edges
        assertTrue(luma(picture, 0, 10) < luma(picture, W - 1, 10), "darker left than right");
        RawVideoFrame frame = new RawVideoFrame(W, H, picture, 0, 0);
        int u0 = picture[frame.uOffset()] & 0xff;
        int uLast = picture[frame.vOffset() - 1] & 0xff;
        assertTrue(u0 < uLast, "U rises top to bottom: " + u0 + " -> " + uLast);
        int vLast = picture[picture.length - 1] & 0xff;
        assertTrue(vLast < 128, "V falls towards the bottom: " + vLast);
    }

    @Test
    void eachPictureIsANewBuffer() {
        assertTrue(painter.paint(1) != painter.paint(1));
    }

    private static int luma(byte[] picture, int x, int y) {
        return picture[y * W + x] & 0xff;
    }
}
