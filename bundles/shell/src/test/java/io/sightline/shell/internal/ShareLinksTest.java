package io.sightline.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShareLinksTest {
    @Test
    void ttlUnits() {
        assertEquals(Duration.ofSeconds(30), ShareLinks.parseTtl("30s"));
        assertEquals(Duration.ofMinutes(10), ShareLinks.parseTtl("10m"));
        assertEquals(Duration.ofHours(2), ShareLinks.parseTtl(" 2H "));
        assertEquals(Duration.ofDays(7), ShareLinks.parseTtl("7d"));
    }

    @Test
    void badTtlsAreRefused() {
        for (String bad : new String[] {null, "", "10", "m", "10x", "-5m", "0s", "1.5h", "10 m", "99999999999999999999s"}) {
            assertThrows(IllegalArgumentException.class, () -> ShareLinks.parseTtl(bad), String.valueOf(bad));
        }
    }

    @Test
    void ttlMayFollowTheStreamName() {
        assertEquals("10m", ShareLinks.trailingTtl(null, "10m"));
        assertEquals("2h", ShareLinks.trailingTtl(List.of("--ttl", "2h"), "10m"));
        assertEquals("30s", ShareLinks.trailingTtl(List.of("-t", "30s"), "10m"));
        assertEquals("1d", ShareLinks.trailingTtl(List.of("--ttl=1d"), "10m"));
        assertThrows(IllegalArgumentException.class, () -> ShareLinks.trailingTtl(List.of("other"), "10m"));
        assertThrows(IllegalArgumentException.class, () -> ShareLinks.trailingTtl(List.of("--ttl"), "10m"));
    }

    @Test
    void baseUrlFromConfigOrEnvironment() {
        assertEquals("https://video.example.com", ShareLinks.baseUrl("https://video.example.com/", Map.of()));
        assertEquals("http://localhost:9150", ShareLinks.baseUrl("", Map.of("SIGHTLINE_HTTP_PORT", "9150")));
        assertEquals("http://localhost:8080", ShareLinks.baseUrl(null, Map.of()));
    }

    @Test
    void playerUrlEncodesTheStreamName() {
        assertEquals("https://v.example/play/cam1?token=aaa.bbb.c-_", ShareLinks.playerUrl("https://v.example", "cam1",
                "aaa.bbb.c-_"));
        assertEquals("http://localhost:8080/play/front%20door%2Fa%2B%C3%A9?token=t",
                ShareLinks.playerUrl("http://localhost:8080", "front door/a+\u00e9", "t"));
    }
}
