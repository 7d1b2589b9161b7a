package io.sightline.source.ffmpeg.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The {@code source.*} keys the FFmpeg plugin reads from a stream (source.type rtsp, rtmp, srt, http, file, v4l2),
 * declared here, by their only reader, with their defaults. {@link SourceSettings} parses and checks them.
 * The plugin's own configuration ({@code etc/io.sightline.source.ffmpeg.cfg}, optional) sets defaults for all its
 * streams; a stream's file sets the same keys for that stream only (as in {@code source-example}).
 * {@code source.url} is declared by the stream's own metatype (every source type has one).
 */
// Designated for each type's stream keys (CaptureSourceFactory.SETTINGS_PID_PREFIX + type: the control plane validates
// stream files against them) and, through RtspSourceFactory's @Designate, for the plugin's own defaults.
@ObjectClassDefinition(id = FfmpegSourceFactory.PID, name = "Sightline FFmpeg sources",
        factoryPid = {"io.sightline.stream.source.rtsp", "io.sightline.stream.source.rtmp",
            "io.sightline.stream.source.srt", "io.sightline.stream.source.http", "io.sightline.stream.source.file",
            "io.sightline.stream.source.v4l2"},
        description = "Keys of streams with source.type rtsp, rtmp, srt, http, file or v4l2; set here they are defaults "
                + "for all such streams, a stream's own source.* keys take precedence.")
@interface FfmpegSourceDefaults {
    @AttributeDefinition(name = "User name", description = "Merged into the URL (RTSP/HTTP authentication); never "
            + "logged.")
    String source_username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, description = "Merged into the URL; never "
            + "logged.")
    String source_password() default "";

    @AttributeDefinition(name = "Passthrough", description = "auto: H.264 without B-frames is forwarded as it is; "
            + "never: always decode, the stream re-encodes.",
            options = {@Option(value = "auto", label = "auto"), @Option(value = "never", label = "never")})
    String source_passthrough() default "auto";

    @AttributeDefinition(name = "Open timeout (ms)", min = "1", description = "How long opening the input may take.")
    int source_open_timeout_ms() default 5000;

    @AttributeDefinition(name = "Read timeout (ms)", min = "1", description = "How long a read may wait for data before the "
            + "source reports failure.")
    int source_read_timeout_ms() default 5000;

    @AttributeDefinition(name = "RTSP transport", description = "RTP over the RTSP connection (tcp) or over UDP.",
            options = {@Option(value = "tcp", label = "tcp"), @Option(value = "udp", label = "udp")})
    String source_rtsp_transport() default "tcp";

    @AttributeDefinition(name = "RTSP client", description = "native: Sightline's own client for H.264 cameras "
            + "(hands each picture on at its last packet; FFmpeg when the camera needs it); ffmpeg: always FFmpeg.",
            options = {@Option(value = "native", label = "native"), @Option(value = "ffmpeg", label = "ffmpeg")})
    String source_rtsp_client() default "native";

    @AttributeDefinition(name = "MPEG-TS reader", description = "srt, http: native: Sightline demuxes MPEG-TS "
            + "(H.264 with AAC or no audio; hands each picture on with the TS packet that ends it; FFmpeg for anything "
            + "else); ffmpeg: always FFmpeg's demuxer.",
            options = {@Option(value = "native", label = "native"), @Option(value = "ffmpeg", label = "ffmpeg")})
    String source_mpegts_reader() default "native";

    @AttributeDefinition(name = "Loop", description = "file: start again at the end.")
    boolean source_loop() default true;

    @AttributeDefinition(name = "Device", description = "v4l2: the capture device.")
    String source_device() default "/dev/video0";

    @AttributeDefinition(name = "Width", min = "0", description = "v4l2: capture width in pixels; 0 leaves it to the device.")
    int source_width() default 0;

    @AttributeDefinition(name = "Height", min = "0", description = "v4l2: capture height in pixels; 0 leaves it to the device.")
    int source_height() default 0;

    @AttributeDefinition(name = "Frame rate", min = "0", description = "v4l2: capture rate; 0 leaves it to the device.")
    int source_fps() default 0;

    @AttributeDefinition(name = "Input format", description = "v4l2: the device's pixel format (mjpeg, yuyv422); "
            + "empty leaves it to the device.")
    String source_input_format() default "";

    @AttributeDefinition(name = "Audio device", description = "v4l2: an ALSA capture device (hw:1,0) for the "
            + "stream's audio; empty for none.")
    String source_audio_device() default "";
}
