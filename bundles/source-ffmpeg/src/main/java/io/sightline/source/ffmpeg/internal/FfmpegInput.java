package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.avformat.AVFormatContext.AVFMT_FLAG_CUSTOM_IO;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_seek_file;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One opened FFmpeg demuxer (a URL, a file or a device) whose blocking calls are bounded by an
 * {@link InterruptDeadline}. Owned by one thread; {@link #close()} frees everything.
 */
final class FfmpegInput implements AutoCloseable {
    private static volatile boolean devicesRegistered;

    private final AVFormatContext context;
    private final InterruptDeadline deadline;
    private final Credentials credentials;
    /** The protocol context opened before this demuxer ({@code AVFMT_FLAG_CUSTOM_IO}), or {@code null}. */
    private final AVIOContext customIo;

    private FfmpegInput(AVFormatContext context, InterruptDeadline deadline, Credentials credentials,
            AVIOContext customIo) {
        this.customIo = customIo;
        this.context = context;
        this.deadline = deadline;
        this.credentials = credentials;
    }

    /**
     * Opens {@code url}, giving up after {@code timeoutMs} (or as soon as {@code deadline} is cancelled).
     *
     * @param format  FFmpeg input format to force, or {@code null}
     * @param options demuxer and protocol options
     * @param probe   whether to read the first packets to learn every stream's parameters
     * @throws IOException with a credential-free message when the input cannot be opened
     */
    static FfmpegInput open(String url, String format, Map<String, String> options, boolean probe,
            InterruptDeadline deadline, int timeoutMs, Credentials credentials) throws IOException {
        return open(url, format, options, probe, deadline, timeoutMs, credentials, null);
    }

    /**
     * As above, demuxing an input whose protocol is already open ({@code opened}, from its first byte) when it is not
     * {@code null}; the input is closed with this one, or at once when opening fails.
     */
    static FfmpegInput open(String url, String format, Map<String, String> options, boolean probe,
            InterruptDeadline deadline, int timeoutMs, Credentials credentials, AvioInput opened) throws IOException {
        AVIOContext pb = opened == null ? null : opened.handOver();
        AVInputFormat inputFormat = null;
        if (format != null) {
            registerDevices();
            inputFormat = av_find_input_format(format);
            if (inputFormat == null) {
                throw new IOException("FFmpeg has no input format " + format);
            }
        }
        AVFormatContext ctx = avformat_alloc_context();
        deadline.attach(ctx);
        if (pb != null) {
            ctx.pb(pb);
            ctx.flags(ctx.flags() | AVFMT_FLAG_CUSTOM_IO);
        }
        deadline.extend(timeoutMs);
        AVDictionary dict = new AVDictionary(null);
        options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
        int ret = avformat_open_input(ctx, url, inputFormat, dict); // frees ctx on failure
        av_dict_free(dict);
        if (ret < 0) {
            if (pb != null) {
                avio_closep(pb); // custom I/O is the caller's to close
            }
            throw new IOException(credentials.redact("cannot open " + url + ": " + describe(ret, deadline, timeoutMs)));
        }
        FfmpegInput input = new FfmpegInput(ctx, deadline, credentials, pb);
        if (probe) {
            ret = avformat_find_stream_info(ctx, (PointerPointer<?>) null);
            if (ret < 0) {
                input.close();
                throw new IOException(credentials.redact("cannot read stream info of " + url + ": "
                        + describe(ret, deadline, timeoutMs)));
            }
        }
        return input;
    }

    /** Number of elementary streams found so far. */
    int streamCount() {
        return context.nb_streams();
    }

    AVStream stream(int index) {
        return context.streams(index);
    }

    /**
     * Reads the next packet, waiting at most {@code timeoutMs}.
     *
     * @return 0 or a negative AVERROR (EOF, EXIT on timeout or cancel)
     */
    int read(AVPacket packet, int timeoutMs) {
        deadline.extend(timeoutMs);
        return av_read_frame(context, packet);
    }

    /** Seeks back to the start (looping a file); returns a negative AVERROR on failure. */
    int rewind() {
        return avformat_seek_file(context, -1, Long.MIN_VALUE, 0, 0, 0);
    }

    /** Explains a failed call without credentials, naming timeouts as such. */
    String describe(int err, int timeoutMs) {
        return credentials.redact(describe(err, deadline, timeoutMs));
    }

    @Override
    public void close() {
        avformat_close_input(context);
        if (customIo != null) {
            avio_closep(customIo);
        }
    }

    static String describe(int err, InterruptDeadline deadline, int timeoutMs) {
        if (deadline.cancelled()) {
            return "stopped";
        }
        if (deadline.expired()) {
            return "no data for " + timeoutMs + " ms";
        }
        return errorText(err);
    }

    static String errorText(int err) {
        byte[] buf = new byte[256];
        av_strerror(err, buf, buf.length);
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8) + " (" + err + ")";
    }

    private static void registerDevices() {
        if (!devicesRegistered) {
            avdevice.avdevice_register_all(); // v4l2/alsa are found only after this
            devicesRegistered = true;
        }
    }
}
