package io.sightline.signaling.whep.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the WHEP resource path ({@code /whep/<stream>[/<session>]}, as Jetty hands it over in
 * the path info): either no target (a 404) or a stream name and a session id that came from the path, never an
 * exception into Jetty's thread. Query strings are parsed by Jetty; the servlet only reads its {@code token}.
 */
class WhepPathFuzzTest {

    @FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
    void pathInfo(byte[] data) {
        String path = new String(data, StandardCharsets.UTF_8);
        WhepServlet.Target t = WhepServlet.Target.parse(path);
        if (t == null) {
            return;
        }
        if (t.stream().isEmpty() || t.stream().contains("/") || (t.session() != null
                && (t.session().isEmpty() || t.session().contains("/")))) {
            throw new AssertionError("bad target " + t + " from '" + path + "'");
        }
    }
}
