package io.sightline.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule's verdicts on small hand-made bundle sets, so each kind of violation is shown to be caught. */
class DependencyRuleTest {
    private static final BundleManifest API = bundle("io.sightline.api", Set.of("io.sightline.api.stream"),
            Set.of("io.sightline.api.stream"), Set.of("io.sightline.api.stream"));
    private static final BundleManifest RTP = bundle("io.sightline.rtp", Set.of("io.sightline.api.stream"),
            Set.of("io.sightline.rtp.sdp"), Set.of("io.sightline.rtp.sdp"));
    private static final BundleManifest CORE = bundle("io.sightline.core", Set.of("io.sightline.api.stream"),
            Set.of(), Set.of("io.sightline.core.internal"));
    private static final BundleManifest TESTPATTERN = bundle("io.sightline.source.testpattern",
            Set.of("io.sightline.api.stream"), Set.of("io.sightline.source.testpattern.timecode"),
            Set.of("io.sightline.source.testpattern.timecode", "io.sightline.source.testpattern.internal"));

    @Test
    void aPluginMayUseTheApiLibrariesAndThirdPartyPackages() {
        BundleManifest sfu = bundle("io.sightline.transport.sfu",
                Set.of("io.sightline.api.stream", "io.sightline.rtp.sdp", "org.osgi.framework", "org.slf4j"), Set.of(),
                Set.of("io.sightline.sfu.internal"));
        assertEquals(List.of(), DependencyRule.violations(List.of(API, RTP, CORE, TESTPATTERN, sfu)));
    }

    @Test
    void aPluginImportingTheCoreIsCaught() {
        BundleManifest health = bundle("io.sightline.health",
                Set.of("io.sightline.api.stream", "io.sightline.core.internal"), Set.of(), Set.of("io.sightline.health.internal"));
        List<String> v = DependencyRule.violations(List.of(API, CORE, health));
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.get(0).startsWith("io.sightline.health (plugin) imports io.sightline.core.internal, which "
                + "io.sightline.core (core) holds but does not export"), v.get(0));
    }

    @Test
    void aPluginImportingAnotherPluginsExportIsCaught() {
        BundleManifest sfu = bundle("io.sightline.transport.sfu", Set.of("io.sightline.source.testpattern.timecode"),
                Set.of(), Set.of("io.sightline.sfu.internal"));
        List<String> v = DependencyRule.violations(List.of(API, TESTPATTERN, sfu));
        assertEquals(1, v.size(), v::toString);
        assertTrue(v.get(0).contains("belongs to io.sightline.source.testpattern (plugin)"), v.get(0));
    }

    @Test
    void aLibraryImportingAPluginOrTheCoreIsCaught() {
        BundleManifest rtp = bundle("io.sightline.rtp", Set.of("io.sightline.core.internal"),
                Set.of("io.sightline.rtp.sdp"), Set.of("io.sightline.rtp.sdp"));
        List<String> v = DependencyRule.violations(List.of(API, CORE, rtp));
        assertEquals(List.of("io.sightline.rtp (library) imports io.sightline.core.internal, which "
                + "io.sightline.core (core) holds but does not export; only the API (io.sightline.api) and the shared libraries "
                + "[io.sightline.endpoint.support, io.sightline.ffmpeg.natives, io.sightline.rtp, io.sightline.webrtc.natives] "
                + "may be imported"), v);
    }

    @Test
    void theCoreImportingAPluginIsCaught() {
        BundleManifest core = bundle("io.sightline.core", Set.of("io.sightline.source.testpattern.timecode"), Set.of(),
                Set.of("io.sightline.core.internal"));
        assertEquals(1, DependencyRule.violations(List.of(API, TESTPATTERN, core)).size());
    }

    @Test
    void theApiImportingALibraryIsCaught() {
        BundleManifest api = bundle("io.sightline.api", Set.of("io.sightline.api.stream", "io.sightline.rtp.sdp"),
                Set.of("io.sightline.api.stream"), Set.of("io.sightline.api.stream"));
        List<String> v = DependencyRule.violations(List.of(api, RTP));
        assertEquals(List.of("io.sightline.api (api) imports io.sightline.rtp.sdp: the API depends on no other "
                + "Sightline bundle"), v);
    }

    @Test
    void anImportNobodyExportsIsCaught() {
        BundleManifest shell = bundle("io.sightline.shell", Set.of("io.sightline.gone"), Set.of(), Set.of());
        List<String> v = DependencyRule.violations(List.of(API, shell));
        assertTrue(v.get(0).contains("io.sightline.gone, which no Sightline bundle exports"), v::toString);
    }

    @Test
    void anImportOfAPrivateApiPackageIsCaught() {
        BundleManifest health = bundle("io.sightline.health", Set.of("io.sightline.api.internal"), Set.of(), Set.of());
        BundleManifest api = bundle("io.sightline.api", Set.of(), Set.of("io.sightline.api.stream"),
                Set.of("io.sightline.api.stream", "io.sightline.api.internal"));
        List<String> v = DependencyRule.violations(List.of(api, health));
        assertTrue(v.get(0).contains("io.sightline.api.internal, which io.sightline.api (api) holds but does not export"),
                v::toString);
    }

    @Test
    void aCopiedPackageIsCaughtEvenWithoutAnImport() {
        BundleManifest copying = bundle("io.sightline.metrics", Set.of("io.sightline.api.stream"), Set.of(),
                Set.of("io.sightline.metrics.internal", "io.sightline.core.internal"));
        List<String> v = DependencyRule.violations(List.of(API, CORE, copying));
        assertEquals(List.of("package io.sightline.core.internal is inside both io.sightline.core and "
                + "io.sightline.metrics: import it from its one owner instead of copying it"), v);
    }

    @Test
    void versionRangesWithCommasDoNotSplitAPackageName() {
        assertEquals(Set.of("io.sightline.api.stream", "org.slf4j", "a.b", "c.d"), ManifestHeader.packages(
                "io.sightline.api.stream;version=\"[1.1,2)\",org.slf4j;version=\"[1.7,2)\";resolution:=optional,"
                        + "a.b;c.d;version=\"[1,2)\""));
    }

    private static BundleManifest bundle(String bsn, Set<String> imports, Set<String> exports, Set<String> contents) {
        return new BundleManifest(bsn, Path.of("/nowhere", bsn + ".jar"), imports, exports, contents);
    }
}
