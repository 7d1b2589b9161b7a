package io.sightline.e2e;

import static io.sightline.e2e.InteropClient.field;
import static io.sightline.e2e.InteropClient.number;
import static io.sightline.e2e.InteropClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GStreamer's {@code webrtcbin} from Debian (1.22), unmodified, as a WHEP viewer ({@code interop/webrtcbin-whep.py}
 * in the test resources, run by {@code /usr/bin/python3} with python3-gi): it offers H.264 and Opus, applies
 * Sightline's answer and decodes pictures with {@code avdec_h264} and sound with {@code opusdec}, from the
 * video-only demo and from a stream with Opus audio. webrtcbin 1.22 refused the answer of a video-only stream while
 * its rejected audio section had no fingerprint ("No fingerprint lines in sdp for media 1") or ICE credentials.
 */
@ExtendWith(SightlineServerExtension.class)
class GstWebrtcbinClientE2E {
    private static final String PYTHON = "/usr/bin/python3";
    private static final long FRAME_LIMIT_MS = 8000;
    private static SightlineServer server;
    private static Path script;

    @BeforeAll
    static void streams(SightlineServer running, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        server = running;
        Process check = new ProcessBuilder(PYTHON, "-c", "import gi; gi.require_version('GstWebRTC', '1.0'); "
                + "from gi.repository import Gst; Gst.init(None); "
                + "assert Gst.ElementFactory.find('webrtcbin') and Gst.ElementFactory.find('nicesrc') "
                + "and Gst.ElementFactory.find('avdec_h264')").redirectErrorStream(true).start();
        if (check.waitFor() != 0) {
            throw new IllegalStateException("GStreamer webrtcbin with libnice and libav is not installed "
                    + "(./scripts/install-deps): " + new String(check.getInputStream().readAllBytes()));
        }
        script = dir.resolve("webrtcbin-whep.py");
        try (InputStream in = GstWebrtcbinClientE2E.class.getResourceAsStream("/interop/webrtcbin-whep.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("interop/webrtcbin-whep.py is missing from the test resources", e);
        }
        InteropStreams.ensureAudioStream(server);
    }

    static Stream<Arguments> streams() {
        return InteropStreams.both().stream().map(s -> Arguments.of(s[0], s[1]));
    }

    @ParameterizedTest(name = "webrtcbin plays {0}")
    @MethodSource("streams")
    void webrtcbinDecodesH264AndOpus(String stream, boolean audio) throws Exception {
        String json = InteropClient.run("webrtcbin", script.getParent(), 40, List.of(PYTHON, script.toString(),
                server.url("/whep/" + stream).toString(), String.valueOf(FRAME_LIMIT_MS), audio ? "--audio" : "--video"));

        assertNull(text(json, "answerRejected"), "webrtcbin refused the answer: " + json);
        assertEquals("true", field(json, "ok"), json);
        assertTrue(number(json, "videoFrames") >= 5, "pictures decoded by avdec_h264: " + json);
        boolean demo = stream.equals(InteropStreams.VIDEO_ONLY);
        assertEquals(demo ? 1280 : 640, (int) number(json, "width"), json);
        assertEquals(demo ? 720 : 360, (int) number(json, "height"), json);
        assertEquals(String.valueOf(audio), field(json, "audioAccepted"), json);
        if (audio) {
            assertTrue(number(json, "audioBuffers") >= 10, "Opus decoded by opusdec: " + json);
        }
    }
}
