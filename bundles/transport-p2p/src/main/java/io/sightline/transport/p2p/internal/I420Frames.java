package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.media.video.NativeI420Buffer;
import dev.onvoid.webrtc.media.video.VideoFrame;
import io.sightline.api.media.RawVideoFrame;
import java.nio.ByteBuffer;

/**
 * Copies the stream's packed I420 pictures into libwebrtc's native buffers. One copy per viewer and frame is
 * unavoidable: the encoder keeps the buffer after {@code pushFrame} returns and releases it on its own thread.
 */
final class I420Frames {
    private I420Frames() {
    }

    /**
     * A libwebrtc frame holding a copy of {@code frame}, stamped {@code timestampNs} on libwebrtc's monotonic clock
     * (the same clock as {@link System#nanoTime()} on Linux). The caller releases it after pushing.
     */
    static VideoFrame toVideoFrame(RawVideoFrame frame, long timestampNs) {
        int w = frame.width();
        int h = frame.height();
        int cw = (w + 1) / 2;
        int ch = (h + 1) / 2;
        NativeI420Buffer buffer = NativeI420Buffer.allocate(w, h);
        byte[] data = frame.data();
        copyPlane(data, 0, w, w, h, buffer.getDataY(), buffer.getStrideY());
        copyPlane(data, frame.uOffset(), cw, cw, ch, buffer.getDataU(), buffer.getStrideU());
        copyPlane(data, frame.vOffset(), cw, cw, ch, buffer.getDataV(), buffer.getStrideV());
        return new VideoFrame(buffer, timestampNs);
    }

    private static void copyPlane(byte[] src, int offset, int srcStride, int rowBytes, int rows, ByteBuffer dst,
            int dstStride) {
        ByteBuffer out = dst.duplicate();
        if (srcStride == dstStride) {
            out.position(0);
            out.put(src, offset, rowBytes * rows);
            return;
        }
        for (int row = 0; row < rows; row++) {
            out.position(row * dstStride);
            out.put(src, offset + row * srcStride, rowBytes);
        }
    }
}
