package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real media producer run by a test: an {@code ffmpeg} command or a GStreamer RTSP server. Tests skip (not fail)
 * only when the tool is not installed.
 */
final class Producer implements AutoCloseable {
    static final String FFMPEG = "/usr/bin/ffmpeg";
    static final String PYTHON = "/usr/bin/python3";
    private static Boolean gstRtsp;

    private final Process process;

    private Producer(Process process) {
        this.process = process;
    }

    static void assumeFfmpeg() {
        assumeTrue(Files.isExecutable(Path.of(FFMPEG)), "ffmpeg is not installed");
    }

    static synchronized void assumeGstRtspServer() throws Exception {
        if (gstRtsp == null) {
            gstRtsp = Files.isExecutable(Path.of(PYTHON)) && new ProcessBuilder(PYTHON, "-c",
                    "import gi; gi.require_version('GstRtspServer','1.0'); from gi.repository import GstRtspServer")
                    .redirectErrorStream(true).start().waitFor() == 0;
        }
        assumeTrue(gstRtsp, "GStreamer RTSP server (python3-gi, gir1.2-gst-rtsp-server-1.0) is not installed");
    }

    /** Runs ffmpeg with these arguments in the background. */
    static Producer ffmpeg(Path log, String... args) throws IOException {
        assumeFfmpeg();
        List<String> cmd = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-loglevel", "warning", "-nostdin"));
        cmd.addAll(List.of(args));
        return new Producer(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    /** Serves the files of {@code dir} over HTTP on 127.0.0.1:{@code port} (Python's http.server), as an HLS origin. */
    static Producer httpFileServer(Path dir, int port, Path log) throws IOException {
        return new Producer(new ProcessBuilder("/usr/bin/python3", "-m", "http.server", String.valueOf(port),
                "--bind", "127.0.0.1", "--directory", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    /** Runs ffmpeg to completion (generating test media). */
    static void ffmpegNow(String... args) throws Exception {
        assumeFfmpeg();
        List<String> cmd = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ffmpeg failed: " + cmd + "\n" + out);
        }
    }

    /**
     * Starts gst-rtsp-server on 127.0.0.1:{@code port} serving {@code rtsp://127.0.0.1:port/cam} from a 320x240 30 fps
     * x264 test source with a 2 s GOP, and waits until it listens.
     */
    static Producer rtspServer(Path dir, int port) throws Exception {
        return rtspServer(dir, port, "", "");
    }

    /** As {@link #rtspServer(Path, int)}, requiring HTTP Basic credentials when {@code user} is not empty. */
    static Producer rtspServer(Path dir, int port, String user, String password) throws Exception {
        return rtspServer(dir, port, user, password, "( videotestsrc is-live=true pattern=ball"
                + " ! video/x-raw,width=320,height=240,framerate=30/1"
                + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=60 bframes=0"
                + " ! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 )");
    }

    /**
     * An RTSP server serving the given gst-rtsp-server launch line at /cam; {@code user} non-empty requires
     * credentials: Basic, or Digest when {@code user} starts with "digest:" (the prefix is not part of the name).
     */
    static Producer rtspServer(Path dir, int port, String user, String password, String launch) throws Exception {
        assumeGstRtspServer();
        Path script = dir.resolve("rtsp_server.py");
        Files.writeString(script, String.join("\n",
                "import sys, gi",
                "gi.require_version('Gst', '1.0')",
                "gi.require_version('GstRtspServer', '1.0')",
                "from gi.repository import Gst, GstRtspServer, GLib",
                "Gst.init(None)",
                "server = GstRtspServer.RTSPServer()",
                "server.set_address('127.0.0.1')",
                "server.set_service(sys.argv[1])",
                "factory = GstRtspServer.RTSPMediaFactory()",
                "factory.set_launch(sys.argv[2])",
                "factory.set_shared(True)",
                "if sys.argv[3]:",
                "    auth = GstRtspServer.RTSPAuth()",
                "    token = GstRtspServer.RTSPToken()",
                "    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, 'viewer')",
                "    if sys.argv[3].startswith('digest:'):",
                "        gi.require_version('GstRtsp', '1.0')",
                "        from gi.repository import GstRtsp",
                "        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)",
                "        auth.add_digest(sys.argv[3][7:], sys.argv[4], token)",
                "    else:",
                "        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(sys.argv[3], sys.argv[4]), token)",
                "    server.set_auth(auth)",
                "    permissions = GstRtspServer.RTSPPermissions()",
                "    permissions.add_role_from_structure(Gst.Structure.new_from_string(",
                "        'viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true'))",
                "    factory.set_permissions(permissions)",
                "server.get_mount_points().add_factory('/cam', factory)",
                "server.attach(None)",
                "print('ready', flush=True)",
                "GLib.MainLoop().run()", ""));
        Process p = new ProcessBuilder(PYTHON, script.toString(), Integer.toString(port), launch, user, password)
                .redirectErrorStream(true).redirectOutput(dir.resolve("rtsp-" + port + ".log").toFile()).start();
        Producer producer = new Producer(p);
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end && p.isAlive()) {
            if (Files.readString(dir.resolve("rtsp-" + port + ".log")).contains("ready")) {
                return producer;
            }
            Thread.sleep(50);
        }
        producer.close();
        throw new IllegalStateException("RTSP server did not start: "
                + Files.readString(dir.resolve("rtsp-" + port + ".log")));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Suspends the producer (SIGSTOP): its sockets stay open but nothing is sent, like a hung camera. */
    void freeze() throws Exception {
        new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start().waitFor();
    }

    /** Kills the producer at once (as a crash would) and waits for it to be gone. */
    @Override
    public void close() throws Exception {
        process.destroyForcibly(); // SIGKILL also ends a stopped process
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
