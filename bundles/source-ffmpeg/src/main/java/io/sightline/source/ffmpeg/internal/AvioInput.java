package io.sightline.source.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_READ;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avformat.avio_read;
import static org.bytedeco.ffmpeg.global.avformat.avio_read_partial;
import static org.bytedeco.ffmpeg.global.avformat.avio_seek;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.io.IOException;
import java.util.Map;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * A URL opened through FFmpeg's protocol layer only ({@code avio_open2}): libsrt, FFmpeg's HTTP(S) and UDP keep
 * doing the transport, and the bytes come here as soon as the protocol has them ({@code avio_read_partial}: one SRT
 * message, what one {@code recv} returned), instead of through a demuxer. Every blocking call is bounded by the
 * {@link InterruptDeadline} given at open. Owned by one thread.
 */
final class AvioInput implements AutoCloseable {
    private final InterruptDeadline deadline;
    private final Credentials credentials;
    private AVIOContext context;

    private AvioInput(AVIOContext context, InterruptDeadline deadline, Credentials credentials) {
        this.context = context;
        this.deadline = deadline;
        this.credentials = credentials;
    }

    /**
     * Opens {@code url} for reading, giving up after {@code timeoutMs} or when {@code deadline} is cancelled.
     *
     * @param options protocol options ({@code rw_timeout}...); demuxer options in it are ignored
     * @throws IOException with a credential-free message
     */
    static AvioInput open(String url, Map<String, String> options, InterruptDeadline deadline, int timeoutMs,
            Credentials credentials) throws IOException {
        AVIOContext ctx = new AVIOContext(null);
        AVDictionary dict = new AVDictionary(null);
        options.forEach((k, v) -> av_dict_set(dict, k, v, 0));
        deadline.extend(timeoutMs);
        int ret = avio_open2(ctx, url, AVIO_FLAG_READ, deadline.ioCallback(), dict);
        av_dict_free(dict);
        if (ret < 0 || ctx.isNull()) {
            throw new IOException(credentials.redact("cannot open " + url + ": "
                    + FfmpegInput.describe(ret, deadline, timeoutMs)));
        }
        return new AvioInput(ctx, deadline, credentials);
    }

    /**
     * Reads what the protocol has, at least one byte, waiting at most {@code timeoutMs}.
     *
     * @return the number of bytes, or a negative AVERROR (EOF; EXIT on timeout or cancel)
     */
    int read(byte[] into, int timeoutMs) {
        deadline.extend(timeoutMs);
        int n = avio_read_partial(context, into, into.length);
        if (n == 0 && context.eof_reached() != 0) {
            return AVERROR_EOF;
        }
        return n;
    }

    /** Reads exactly {@code into.length} bytes unless the input ends first; returns the count or an AVERROR. */
    int readFully(byte[] into, int timeoutMs) {
        deadline.extend(timeoutMs);
        return avio_read(context, into, into.length);
    }

    /**
     * Goes back to the first byte, which works on a stream that cannot seek as long as the bytes read so far are
     * still in the context's buffer (a few hundred bytes after opening are).
     */
    boolean rewind() {
        return avio_seek(context, 0, 0) == 0;
    }

    /** Explains a failed call without credentials, naming timeouts as such. */
    String describe(int err, int timeoutMs) {
        return credentials.redact(FfmpegInput.describe(err, deadline, timeoutMs));
    }

    /** Gives the open context to a demuxer ({@code AVFMT_FLAG_CUSTOM_IO}); {@link #close()} then leaves it alone. */
    AVIOContext handOver() {
        AVIOContext c = context;
        context = null;
        return c;
    }

    @Override
    public void close() {
        if (context != null) {
            avio_closep(context);
            context = null;
        }
    }
}
