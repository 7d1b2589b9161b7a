package io.sightline.source.ffmpeg.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.SdpParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the RTSP client's reading side: the fuzzer plays the camera, its bytes are everything
 * the server sends on the control connection (status lines, headers, a 401 challenge, a DESCRIBE body, interleaved
 * frames and keep-alive answers between them). The reader must end with an {@link IOException} (the source then
 * reconnects with back-off), never with another exception, a loop or an allocation the input size does not bound.
 */
class RtspResponseFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void serverBytes(byte[] data) {
        RtspConnection c = RtspConnection.over(new ByteArrayInputStream(data), OutputStream.nullOutputStream(),
                new RtspAuthenticator("admin", "secret"));
        try (c) {
            c.request("OPTIONS", "rtsp://127.0.0.1/cam", Map.of());
            RtspConnection.Response d = c.request("DESCRIBE", "rtsp://127.0.0.1/cam", Map.of("Accept", "application/sdp"));
            try {
                SdpParser.parse(d.body());
            } catch (SdpException refused) {
                // the source reports the camera's SDP as unusable
            }
            RtspSession.annexB(d.header("x-sprop"));
            RtspSession.resolve("rtsp://127.0.0.1/cam", String.valueOf(d.header("content-base")));
            c.request("SETUP", "rtsp://127.0.0.1/cam/track1", Map.of("Transport", "RTP/AVP/TCP;interleaved=0-1"));
            RtspConnection.Frame frame = new RtspConnection.Frame();
            for (int i = 0; i < 1000; i++) {
                c.readFrame(frame);
            }
        } catch (IOException expected) {
            // the source logs it and reconnects
        }
    }
}
