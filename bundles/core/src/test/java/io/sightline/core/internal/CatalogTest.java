package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.Masking;
import io.sightline.api.control.Problem;
import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog against a real directory and the real generated metatypes: accepted changes, refusals, versions. */
class CatalogTest {
    private static final Actor OPS = new Actor("ops", "shell", "local");
    @TempDir
    Path etc;
    private Catalog catalog;
    private AuditTrail audit;

    @BeforeEach
    void setUp() throws IOException {
        audit = new AuditTrail(10);
        catalog = new Catalog(new StreamFiles(etc), new MetaTypeFiles(Set.of("testpattern", "rtsp")), audit);
    }

    @Test
    void createWritesTheFileAnOperatorWouldWrite() throws IOException {
        StreamConfig created = catalog.create("lobby", Map.of("source.type", "testpattern", "source.width", "640",
                "source.height", "360", "mode", "on-demand", "access.public.from", "127.0.0.1/8, ::1"), OPS);
        Path file = etc.resolve("io.sightline.stream-lobby.cfg");
        String text = Files.readString(file);
        assertTrue(text.contains("\nsource.width = 640\n"), text);
        assertTrue(text.contains("\naccess.public.from = 127.0.0.1/8, ::1\n"), text);
        assertEquals(created, catalog.get("lobby").orElseThrow());
        assertEquals(List.of("lobby"), catalog.names());
        // The file parses to the same settings the core runs with.
        StreamSettings settings = StreamSettings.from(Map.of("felix.fileinstall.filename", file.toUri().toString(),
                "source.type", "testpattern", "mode", "on-demand"));
        assertEquals("lobby", settings.name());
    }

    @Test
    void everyOffendingPropertyIsReportedAndNothingIsWritten() throws IOException {
        ChangeRefused refused = assertThrows(ChangeRefused.class, () -> catalog.create("lobby", Map.of(
                "source.type", "testpattern",
                "colour", "red",                        // unknown key
                "video.bitrate.kbps", "fast",           // wrong type
                "source.width", "99999",                // out of range (the plugin's metatype)
                "mode", "sometimes",                    // not an option
                "source.url", "rtsp:///nohost",         // a URL that cannot be opened
                "enabled", "maybe",                     // not a boolean
                "source.fps", "0"), OPS));              // below the plugin's minimum
        assertEquals(ChangeRefused.Reason.INVALID, refused.reason());
        assertEquals(422, refused.reason().httpStatus());
        Map<String, String> byKey = refused.problems().stream()
                .collect(Collectors.toMap(Problem::key, Problem::message));
        assertEquals(Set.of("colour", "video.bitrate.kbps", "source.width", "mode", "source.url", "enabled",
                "source.fps"), byKey.keySet(), byKey.toString());
        assertTrue(byKey.get("source.width").contains("greater than maximum"), byKey.get("source.width"));
        assertTrue(byKey.get("video.bitrate.kbps").contains("integer"), byKey.get("video.bitrate.kbps"));
        assertNoFiles();
        assertTrue(audit.entries().isEmpty());
    }

    @Test
    void badNamesAndUnknownPluginsAreRefused() throws IOException {
        for (String bad : List.of("a.b", "../x", "a b", "", "x".repeat(65), "caf\u00e9")) {
            ChangeRefused r = assertThrows(ChangeRefused.class,
                    () -> catalog.create(bad, Map.of("source.type", "testpattern"), OPS), bad);
            assertEquals(400, r.reason().httpStatus(), bad);
        }
        ChangeRefused r = assertThrows(ChangeRefused.class,
                () -> catalog.create("x", Map.of("source.type", "nosuch"), OPS));
        assertEquals("source.type", r.problems().get(0).key());
        ChangeRefused hosts = assertThrows(ChangeRefused.class, () -> catalog.create("x",
                Map.of("source.type", "testpattern", "access", "public", "access.public.from", "example.com"), OPS));
        assertTrue(hosts.getMessage().contains("example.com"), hosts.getMessage());
        assertNoFiles();
    }

    @Test
    void aPluginWithoutMetatypeKeepsItsSourceKeysUnvalidatedButTheUrlIsChecked() {
        catalog.create("door", Map.of("source.type", "rtsp", "source.url", "rtsp://192.0.2.1:554/s1",
                "source.password", "secret"), OPS);
        ChangeRefused r = assertThrows(ChangeRefused.class, () -> catalog.create("door2",
                Map.of("source.type", "rtsp", "source.url", "not a url"), OPS));
        assertEquals("source.url", r.problems().get(0).key());
        // Keys outside source.* are still the stream's, and checked.
        assertThrows(ChangeRefused.class, () -> catalog.create("door3", Map.of("source.type", "rtsp", "x.y", "1"),
                OPS));
    }

    @Test
    void duplicateCreateIs409AndTheFirstStays() throws IOException {
        catalog.create("lobby", Map.of("source.type", "testpattern"), OPS);
        String before = Files.readString(etc.resolve("io.sightline.stream-lobby.cfg"));
        ChangeRefused r = assertThrows(ChangeRefused.class,
                () -> catalog.create("lobby", Map.of("source.type", "testpattern", "source.fps", "10"), OPS));
        assertEquals(409, r.reason().httpStatus());
        assertEquals(before, Files.readString(etc.resolve("io.sightline.stream-lobby.cfg")));
    }

    @Test
    void staleVersionsAreRefusedAndCurrentOnesAccepted() {
        StreamConfig v1 = catalog.create("lobby", Map.of("source.type", "testpattern"), OPS);
        StreamConfig v2 = catalog.edit("lobby", Map.of("source.fps", "15"), Set.of(), v1.version(), OPS);
        assertNotEquals(v1.version(), v2.version());
        assertEquals("15", v2.properties().get("source.fps"));
        ChangeRefused r = assertThrows(ChangeRefused.class,
                () -> catalog.edit("lobby", Map.of("source.fps", "20"), Set.of(), v1.version(), OPS));
        assertEquals(412, r.reason().httpStatus());
        assertThrows(ChangeRefused.class, () -> catalog.remove("lobby", v1.version(), OPS));
        assertThrows(ChangeRefused.class, () -> catalog.replace("other", Map.of(), "abc", OPS));
        assertEquals("15", catalog.get("lobby").orElseThrow().properties().get("source.fps"));
        catalog.remove("lobby", v2.version(), OPS);
        assertTrue(catalog.get("lobby").isEmpty());
    }

    @Test
    void editSetsAndUnsetsAndAnInvalidEditChangesNothing() throws IOException {
        catalog.create("lobby", Map.of("source.type", "testpattern", "source.fps", "10", "mode", "on-demand"), OPS);
        StreamConfig edited = catalog.edit("lobby", Map.of("source.width", "320"), Set.of("mode"), null, OPS);
        assertEquals(Map.of("source.type", "testpattern", "source.fps", "10", "source.width", "320"),
                edited.properties());
        String before = Files.readString(etc.resolve("io.sightline.stream-lobby.cfg"));
        assertThrows(ChangeRefused.class, () -> catalog.edit("lobby", Map.of("source.width", "640",
                "source.height", "abc"), Set.of(), null, OPS));
        assertEquals(before, Files.readString(etc.resolve("io.sightline.stream-lobby.cfg")));
        ChangeRefused missing = assertThrows(ChangeRefused.class,
                () -> catalog.edit("nosuch", Map.of(), Set.of(), null, OPS));
        assertEquals(404, missing.reason().httpStatus());
    }

    @Test
    void stopPersistsEnabledFalseAndStartRestoresTheFile() throws IOException {
        catalog.create("lobby", Map.of("source.type", "testpattern"), OPS);
        String original = Files.readString(etc.resolve("io.sightline.stream-lobby.cfg"))
                .replaceAll("(?m)^#.*\n", "");
        StreamConfig stopped = catalog.stop("lobby", null, OPS);
        assertEquals("false", stopped.properties().get("enabled"));
        assertFalse(StreamSettings.from(Map.of("name", "lobby", "enabled", "false")).enabled());
        catalog.start("lobby", null, OPS);
        assertEquals(original, Files.readString(etc.resolve("io.sightline.stream-lobby.cfg"))
                .replaceAll("(?m)^#.*\n", ""));
        assertEquals(List.of("create", "stop", "start"), audit.entries().stream().map(e -> e.action()).toList());
    }

    @Test
    void theAuditTrailMasksSecretsAndRecordsBeforeAndAfter() {
        catalog.create("door", Map.of("source.type", "rtsp", "source.url", "rtsp://u:pw@192.0.2.1/s",
                "source.password", "hunter2"), OPS);
        catalog.edit("door", Map.of("source.password", "hunter3"), Set.of(), null,
                new Actor("admin", "api", "192.0.2.9"));
        var last = audit.entries().get(1);
        assertEquals("edit", last.action());
        assertEquals("api", last.actor().surface());
        assertEquals("192.0.2.9", last.actor().address());
        assertEquals(Masking.MASK, last.before().get("source.password"));
        assertEquals("rtsp://u:" + Masking.MASK + "@192.0.2.1/s", last.after().get("source.url"));
        assertFalse(audit.entries().toString().contains("hunter"));
        assertFalse(audit.entries().toString().contains(":pw@"));
    }

    @Test
    void settingsComeFromBothMetatypes() {
        List<Setting> settings = catalog.settings("testpattern");
        Setting width = settings.stream().filter(s -> s.key().equals("source.width")).findFirst().orElseThrow();
        assertEquals("testpattern", width.origin());
        assertEquals("integer", width.type());
        assertEquals("1280", width.defaultValue());
        Setting mode = settings.stream().filter(s -> s.key().equals("mode")).findFirst().orElseThrow();
        assertEquals(List.of("always-on", "on-demand"), mode.options());
        assertArrayEquals(new Object[] {"stream"}, settings.stream().filter(s -> s.key().equals("enabled"))
                .map(Setting::origin).toArray());
        assertTrue(catalog.settings("rtsp").stream().allMatch(s -> s.origin().equals("stream")));
    }

    @Test
    void valuesThatCouldBreakTheFileAreEscapedOrRefused() throws IOException {
        assertThrows(ChangeRefused.class, () -> catalog.create("x", Map.of("source.type", "rtsp",
                "source.url", "rtsp://h/a\nenabled = false"), OPS));
        catalog.create("y", Map.of("source.type", "rtsp", "source.url", "/media/caf\u00e9\\x.mp4"), OPS);
        assertEquals("/media/caf\u00e9\\x.mp4", catalog.get("y").orElseThrow().properties().get("source.url"));
        try (Stream<Path> files = Files.list(etc)) {
            assertEquals(1, files.count());
        }
    }

    private void assertNoFiles() throws IOException {
        try (Stream<Path> files = Files.list(etc)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
