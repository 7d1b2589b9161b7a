package io.sightline.source.ffmpeg.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Bounds every blocking FFmpeg call of one input (open, probe, read) through FFmpeg's interrupt callback, which
 * its I/O loops poll while they wait: the call fails with {@code AVERROR_EXIT} once the deadline has passed or the
 * source was stopped. So a dead server is noticed after the read timeout whatever the protocol does with its own
 * timeout options, and {@code stop()} never waits for the network.
 *
 * <p>One native callback serves every input (JavaCPP callbacks are native thunks, not to be created per stream);
 * the callback's opaque pointer says which deadline it asks about.
 */
final class InterruptDeadline implements AutoCloseable {
    private static final Map<Long, InterruptDeadline> LIVE = new ConcurrentHashMap<>();
    private static final Callback CALLBACK = new Callback();

    /** A native cell whose address identifies this input to the callback. */
    private final LongPointer opaque = new LongPointer(1);
    private final long id = opaque.address();
    private volatile long deadlineNanos;
    private volatile boolean cancelled;

    InterruptDeadline() {
        LIVE.put(id, this);
    }

    /** Makes {@code context}'s blocking calls consult this deadline. */
    void attach(AVFormatContext context) {
        AVIOInterruptCB cb = context.interrupt_callback();
        cb.callback(CALLBACK);
        cb.opaque(opaque);
    }

    /**
     * The callback for {@code avio_open2} (FFmpeg copies the struct), so a protocol opened without a demuxer is
     * bounded by this deadline too.
     */
    AVIOInterruptCB ioCallback() {
        AVIOInterruptCB cb = new AVIOInterruptCB();
        cb.callback(CALLBACK);
        cb.opaque(opaque);
        return cb;
    }

    /** Blocking calls may go on for {@code millis} from now. Cheap: called for every packet. */
    void extend(long millis) {
        deadlineNanos = System.nanoTime() + millis * 1_000_000L;
    }

    /** Aborts the current and every later blocking call. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** Whether the last abort was the deadline passing rather than a cancel. */
    boolean expired() {
        return !cancelled && System.nanoTime() - deadlineNanos > 0;
    }

    @Override
    public void close() {
        LIVE.remove(id);
        opaque.close();
    }

    private boolean shouldInterrupt() {
        return cancelled || System.nanoTime() - deadlineNanos > 0;
    }

    /** The single native callback: 1 aborts the FFmpeg call in progress. */
    private static final class Callback extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            if (opaque == null || opaque.isNull()) {
                return 0;
            }
            InterruptDeadline d = LIVE.get(opaque.address());
            return d == null || d.shouldInterrupt() ? 1 : 0;
        }
    }
}
