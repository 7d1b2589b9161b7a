package io.sightline.e2e;

import static io.sightline.e2e.InteropClient.field;
import static io.sightline.e2e.InteropClient.list;
import static io.sightline.e2e.InteropClient.number;
import static io.sightline.e2e.InteropClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * npm {@code werift}, unmodified, as a WHEP viewer ({@code e2e/clients/werift-whep.js}): it offers H.264 and Opus,
 * applies Sightline's answer, decrypts the SRTP and depacketizes a whole H.264 keyframe, from the video-only demo and
 * from a stream with Opus audio. Two releases: the newest, and 0.22, which refused the answer of a video-only stream
 * before rejected sections carried an rtpmap and ICE credentials ("negotiate codecs failed", "remoteParams missing").
 */
@ExtendWith(SightlineServerExtension.class)
class WeriftClientE2E {
    // Generous: this checks interop, not start-up time (werift 0.25 took 3 s once on a loaded machine).
    private static final long KEYFRAME_LIMIT_MS = 8000;
    private static SightlineServer server;

    @BeforeAll
    static void streams(SightlineServer running) throws Exception {
        server = running;
        if (!Files.isDirectory(InteropClient.clientsDir().resolve("node_modules/werift-0.22"))) {
            throw new IllegalStateException("werift is not installed: run `npm ci` in " + InteropClient.clientsDir());
        }
        InteropStreams.ensureAudioStream(server);
    }

    static Stream<Arguments> clientsAndStreams() {
        return Stream.of("werift", "werift-0.22").flatMap(pkg -> InteropStreams.both().stream()
                .map(s -> Arguments.of(pkg, s[0], s[1])));
    }

    @ParameterizedTest(name = "{0} plays {1}")
    @MethodSource("clientsAndStreams")
    void weriftDecryptsAnH264KeyframeAndOpus(String pkg, String stream, boolean audio) throws Exception {
        Path dir = InteropClient.clientsDir();
        String json = InteropClient.run(pkg, dir, 40, List.of("node", "werift-whep.js",
                server.url("/whep/" + stream).toString(), String.valueOf(KEYFRAME_LIMIT_MS),
                "--package=" + pkg, audio ? "--audio" : "--video"));

        assertNull(text(json, "answerRejected"), "werift refused the answer: " + json);
        assertEquals("true", field(json, "ok"), json);
        assertTrue(list(json, "nalTypes").containsAll(List.of("5", "7", "8")), "IDR, SPS and PPS: " + json);
        assertTrue(number(json, "idrBytes") > 1000, "a real IDR slice: " + json);
        assertTrue(number(json, "keyframeMs") <= KEYFRAME_LIMIT_MS, json);
        // Constrained Baseline in the offer's spelling, the stream's level (0016): demo 42c01f, the file 42c01e.
        String level = stream.equals(InteropStreams.VIDEO_ONLY) ? "1f" : "1e";
        assertTrue(text(json, "answerFmtp").contains("profile-level-id=42e0" + level), json);
        assertTrue(text(json, "sps").startsWith("6742c0" + level), json);
        assertEquals(String.valueOf(audio), field(json, "audioAccepted"), "audio answered only where there is some");
        if (audio) {
            assertTrue(number(json, "audioPackets") >= 10, "Opus packets decrypted: " + json);
        }
    }
}
