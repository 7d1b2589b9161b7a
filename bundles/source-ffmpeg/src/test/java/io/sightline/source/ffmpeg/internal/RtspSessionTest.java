package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The native RTSP client against a scripted camera on a loopback socket: what it sends, and what it does with answers
 * that are wrong (each must end in a clear IOException, never a hang or a half-open session).
 */
class RtspSessionTest {
    private static final String SDP = String.join("\r\n", "v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=cam",
            "a=control:*", "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000",
            "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAHtkAoD2wEQAAAwABAAADADIPFi5I,aMuMsg==",
            "a=control:trackID=1", "m=audio 0 RTP/AVP 97", "a=rtpmap:97 opus/48000/2", "a=control:trackID=2", "");

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** A camera that answers each request with what {@code answer} says (given the request's first line and CSeq). */
    private int camera(Function<String[], String> answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = s.getOutputStream();
                while (true) {
                    String first = in.readLine();
                    if (first == null) {
                        return;
                    }
                    StringBuilder headers = new StringBuilder(first).append('\n');
                    String cseq = "0";
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        headers.append(line).append('\n');
                        if (line.startsWith("CSeq:")) {
                            cseq = line.substring(5).trim();
                        }
                    }
                    requests.add(headers.toString());
                    String reply = answer.apply(new String[] {first.split(" ")[0], cseq});
                    if (reply == null) {
                        return;
                    }
                    out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static String ok(String cseq, String extra, String body) {
        return "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n" + extra
                + (body.isEmpty() ? "" : "Content-Type: application/sdp\r\nContent-Length: " + body.length() + "\r\n")
                + "\r\n" + body;
    }

    private static String wellBehaved(String[] r) {
        return switch (r[0]) {
            case "DESCRIBE" -> ok(r[1], "", SDP);
            case "SETUP" -> ok(r[1], "Session: abc123;timeout=30\r\nTransport: RTP/AVP/TCP;unicast;interleaved="
                    + (r[1].equals("2") ? "0-1" : "2-3") + "\r\n", "");
            default -> ok(r[1], "", "");
        };
    }

    @Test
    void describesSetsUpBothTracksOverTcpAndPlaysOnTheSession() throws Exception {
        int port = camera(RtspSessionTest::wellBehaved);
        try (RtspSession s = RtspSession.open("rtsp://127.0.0.1:" + port + "/live", false, 2000)) {
            s.play();
            assertEquals(0, s.video().channel());
            assertEquals(2, s.audio().channel());
            assertEquals("opus", s.audio().format().encodingName().toLowerCase());
            assertEquals(15_000_000_000L, s.keepAliveNanos(), "half the session timeout");
            assertEquals(0, s.parameterSets()[0]);
            assertEquals(0x67, s.parameterSets()[4], "SPS from sprop-parameter-sets, as Annex B");
        }
        assertTrue(requests.get(1).startsWith("SETUP rtsp://127.0.0.1:" + port + "/live/trackID=1 RTSP/1.0"),
                requests.get(1));
        assertTrue(requests.get(1).contains("interleaved=0-1"), requests.get(1));
        assertTrue(requests.get(3).startsWith("PLAY "), requests.get(3));
        assertTrue(requests.get(3).contains("Session: abc123"), requests.get(3));
    }

    @Test
    void answersThatAreNotRtspEndInAClearError() throws Exception {
        int port = camera(r -> "HTTP/1.1 200 OK\r\n\r\n");
        IOException e = assertThrows(IOException.class,
                () -> RtspSession.open("rtsp://127.0.0.1:" + port + "/live", false, 2000));
        assertTrue(e.getMessage().contains("not an RTSP response"), e.getMessage());
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() throws Exception {
        int port = camera(r -> "RTSP/1.0 200 OK\r\nCSeq: " + r[1] + "\r\nContent-Length: 900000000\r\n\r\n");
        IOException e = assertThrows(IOException.class,
                () -> RtspSession.open("rtsp://127.0.0.1:" + port + "/live", false, 2000));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void aCameraThatSaysNothingTimesOut() throws Exception {
        int port = camera(r -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        long t0 = System.nanoTime();
        assertThrows(IOException.class, () -> RtspSession.open("rtsp://127.0.0.1:" + port + "/live", false, 500));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 3000, "bounded by the open timeout");
    }

    @Test
    void aCameraWithoutH264IsLeftToFfmpeg() throws Exception {
        String h265 = SDP.replace("H264/90000", "H265/90000");
        int port = camera(r -> ok(r[1], "", h265));
        IOException e = assertThrows(IOException.class,
                () -> RtspSession.open("rtsp://127.0.0.1:" + port + "/live", false, 2000));
        assertInstanceOf(RtspSession.Unsupported.class, e);
        assertTrue(e.getMessage().contains("not H.264"), e.getMessage());
    }

    @Test
    void aRefusedDescribeNamesTheStatusAndNoPassword() throws Exception {
        int port = camera(r -> "RTSP/1.0 401 Unauthorized\r\nCSeq: " + r[1]
                + "\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n\r\n");
        IOException e = assertThrows(IOException.class,
                () -> RtspSession.open("rtsp://admin:hunter22@127.0.0.1:" + port + "/live", false, 2000));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
        assertEquals(2, requests.size(), "one retry with the credentials, then it gives up");
        assertTrue(requests.get(1).contains("Authorization: Basic YWRtaW46aHVudGVyMjI="), requests.get(1));
        assertFalse(requests.get(1).contains("admin:hunter22@"), "no user-info in the request URL");
    }

    @Test
    void controlUrlsResolveAgainstTheBase() {
        assertEquals("rtsp://c/live/trackID=1", RtspSession.resolve("rtsp://c/live", "trackID=1"));
        assertEquals("rtsp://c/live/trackID=1", RtspSession.resolve("rtsp://c/live/", "trackID=1"));
        assertEquals("rtsp://c/other", RtspSession.resolve("rtsp://c/live", "rtsp://c/other"));
        assertEquals("rtsp://c/live", RtspSession.resolve("rtsp://c/live", "*"));
    }

    @Test
    void badParameterSetsAreACleanError() {
        assertThrows(IOException.class, () -> RtspSession.annexB("not base64!"));
        assertArrayEquals(new byte[0], assertDoesNotThrowAnnexB(""));
    }

    private static byte[] assertDoesNotThrowAnnexB(String s) {
        try {
            return RtspSession.annexB(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
