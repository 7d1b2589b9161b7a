package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;

import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.Track;
import java.io.IOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.ffmpeg.avcodec.AVPacket;

/**
 * The ALSA capture device that goes with a V4L2 camera ({@code source.audio.device}). ALSA is a second FFmpeg
 * input, so it is read on a companion thread; its Opus units wait in a queue that the video thread drains, so the
 * stream's sink is still called from one thread only (a 20 ms unit waits at most one video frame).
 */
final class AudioDeviceReader implements Runnable, AutoCloseable {
    /** Units beyond this (the video thread stalled for two seconds) are dropped, oldest first. */
    private static final int MAX_QUEUED = 100;

    private final InterruptDeadline deadline;
    private final Queue<EncodedUnit> ready = new ConcurrentLinkedQueue<>();
    private final FfmpegInput input;
    private final OpusTranscoder transcoder;
    private final int readTimeoutMs;
    private volatile String failure;
    private volatile boolean started;

    private AudioDeviceReader(InterruptDeadline deadline, FfmpegInput input, OpusTranscoder transcoder,
            int readTimeoutMs) {
        this.deadline = deadline;
        this.input = input;
        this.transcoder = transcoder;
        this.readTimeoutMs = readTimeoutMs;
    }

    /** Opens the ALSA device, e.g. {@code hw:1,0} or {@code default}. */
    static AudioDeviceReader open(String device, SourceSettings settings, MediaClock.Origin origin)
            throws IOException {
        InterruptDeadline deadline = new InterruptDeadline();
        FfmpegInput in = null;
        try {
            in = FfmpegInput.open(device, "alsa", Map.of(), false, deadline, settings.openTimeoutMs(),
                    settings.credentials());
            if (in.streamCount() < 1) {
                throw new IOException("audio device " + device + " has no stream");
            }
            OpusTranscoder t = OpusTranscoder.open(in.stream(0).codecpar(), in.stream(0).time_base(), origin);
            return new AudioDeviceReader(deadline, in, t, settings.readTimeoutMs());
        } catch (IOException | RuntimeException e) {
            if (in != null) {
                in.close();
            }
            deadline.close();
            throw e;
        }
    }

    /** Starts the companion thread. */
    void start(String streamName) {
        Thread t = new Thread(this, "sightline-alsa-" + streamName);
        t.setDaemon(true);
        started = true;
        t.start();
    }

    Track track() {
        return transcoder.track();
    }

    /** The next transcoded unit, or {@code null}. */
    EncodedUnit poll() {
        return ready.poll();
    }

    /** Why the device stopped delivering, or {@code null} while it works. */
    String failure() {
        return failure;
    }

    @Override
    public void run() {
        AVPacket packet = av_packet_alloc();
        try {
            while (failure == null && !deadline.cancelled()) {
                int ret = input.read(packet, readTimeoutMs);
                if (ret < 0) {
                    failure = "audio device: " + input.describe(ret, readTimeoutMs);
                    break;
                }
                try {
                    transcoder.transcode(packet, System.currentTimeMillis(), unit -> {
                        ready.add(unit);
                        if (ready.size() > MAX_QUEUED) {
                            ready.poll();
                        }
                    });
                } finally {
                    av_packet_unref(packet);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = "audio device: " + e.getMessage();
        } finally {
            av_packet_free(packet);
            free();
        }
    }

    /** Stops the companion thread (which then frees the device), or frees the device if it never started. */
    @Override
    public void close() {
        deadline.cancel();
        if (!started) {
            free();
        }
    }

    private void free() {
        transcoder.close();
        input.close();
        deadline.close();
    }
}
