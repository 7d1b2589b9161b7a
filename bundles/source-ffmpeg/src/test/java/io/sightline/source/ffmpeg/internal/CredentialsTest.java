package io.sightline.source.ffmpeg.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sightline.testing.RecordingSourceContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private final Credentials credentials = new Credentials("admin", "s3cr:t@pw");

    @Test
    void mergesEncodedCredentialsIntoTheUrl() {
        assertEquals("rtsp://admin:s3cr%3At%40pw@cam.local:554/stream1",
                credentials.apply("rtsp://cam.local:554/stream1"));
        assertEquals("rtsp://admin:s3cr%3At%40pw@cam.local/x", credentials.apply("rtsp://old:pw@cam.local/x"),
                "configured credentials replace the URL's");
        assertEquals("/dev/video0", credentials.apply("/dev/video0"));
        assertEquals("rtsp://cam/x", new Credentials("", "").apply("rtsp://cam/x"));
    }

    @Test
    void redactsUserInfoAndTheSecretsThemselves() {
        String url = credentials.apply("rtsp://cam.local/stream1");
        String line = credentials.redact("cannot open " + url + ": 401 for admin with s3cr:t@pw");
        assertEquals("cannot open rtsp://***@cam.local/stream1: 401 for *** with ***", line);
        assertEquals("rtmp://***@h/app", new Credentials("", "").redact("rtmp://u:p@h/app"));
    }

    @Test
    void configErrorsNeverShowThePassword() {
        RecordingSourceContext ctx = new RecordingSourceContext(Map.of("source.url", "rtmp://cam.local/live",
                "source.username", "admin", "source.password", "hunter22"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SourceSettings.from(SourceType.RTSP, ctx, Factories.DEFAULTS));
        assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SourceSettings.from(SourceType.RTSP,
                new RecordingSourceContext(Map.of("source.url", "rtsp://x/y", "source.rtsp.transport", "quic")), Factories.DEFAULTS));
        assertThrows(IllegalArgumentException.class, () -> SourceSettings.from(SourceType.HTTP,
                new RecordingSourceContext(Map.of()), Factories.DEFAULTS));
    }
}
