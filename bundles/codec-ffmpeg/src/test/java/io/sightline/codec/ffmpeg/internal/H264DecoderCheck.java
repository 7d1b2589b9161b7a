package io.sightline.codec.ffmpeg.internal;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import io.sightline.api.media.EncodedUnit;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** Feeds encoded units back through FFmpeg's own H.264 decoder and reports the decoded picture sizes. */
final class H264DecoderCheck {
    private H264DecoderCheck() {
    }

    /** Decodes the units (re-framed as Annex B) and returns "WxH" for every decoded picture, in order. */
    static List<String> decode(List<EncodedUnit> units) {
        AVCodecContext ctx = avcodec_alloc_context3(avcodec_find_decoder(AV_CODEC_ID_H264));
        if (avcodec_open2(ctx, avcodec_find_decoder(AV_CODEC_ID_H264), (AVDictionary) null) < 0) {
            throw new IllegalStateException("cannot open the h264 decoder");
        }
        AVPacket packet = av_packet_alloc();
        AVFrame picture = av_frame_alloc();
        List<String> decoded = new ArrayList<>();
        try {
            for (EncodedUnit unit : units) {
                byte[] annexB = annexB(unit);
                av_new_packet(packet, annexB.length);
                packet.data().put(annexB);
                int ret = avcodec_send_packet(ctx, packet);
                av_packet_unref(packet);
                if (ret < 0) {
                    throw new IllegalStateException("decoder rejected " + unit + ": " + AvVideoEncoder.describe(ret));
                }
                drain(ctx, picture, decoded);
            }
            avcodec_send_packet(ctx, null); // flush
            drain(ctx, picture, decoded);
        } finally {
            av_frame_free(picture);
            av_packet_free(packet);
            avcodec_free_context(ctx);
        }
        return decoded;
    }

    private static void drain(AVCodecContext ctx, AVFrame picture, List<String> decoded) {
        while (avcodec_receive_frame(ctx, picture) >= 0) {
            decoded.add(picture.width() + "x" + picture.height());
        }
    }

    private static byte[] annexB(EncodedUnit unit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer part : unit.parts()) {
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            byte[] nal = new byte[part.remaining()];
            part.duplicate().get(nal);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }
}
