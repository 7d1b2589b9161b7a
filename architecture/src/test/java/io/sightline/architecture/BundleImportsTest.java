package io.sightline.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rule on the bundles this build just made: the manifests bnd generated (Import-Package,
 * Export-Package) and the classes inside, read from the jars (or from {@code target/classes} when Maven stops
 * before packaging), never from source.
 */
class BundleImportsTest {
    private static Path root;
    private static Map<String, BundleManifest> built;

    @BeforeAll
    static void readBuiltBundles() throws IOException {
        root = Path.of(System.getProperty("sightline.root", "..")).toRealPath();
        built = new TreeMap<>();
        for (URL url : Collections.list(BundleImportsTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            BundleManifest b = BundleManifest.read(url);
            if (b != null && b.symbolicName().startsWith(DependencyRule.NAMESPACE)) {
                built.put(b.symbolicName(), b);
            }
        }
    }

    @Test
    void everyBundleModuleIsCheckedAsBuiltByThisBuild() throws IOException {
        Set<String> modules = new TreeSet<>();
        for (Path parent : List.of(root, root.resolve("bundles"))) {
            try (Stream<Path> dirs = Files.list(parent)) {
                for (Path bnd : dirs.map(d -> d.resolve("bnd.bnd")).filter(Files::isRegularFile).toList()) {
                    modules.add(symbolicName(bnd));
                }
            }
        }
        assertEquals(modules, built.keySet(), "every bundle module (a directory with a bnd.bnd) must be a dependency "
                + "of architecture/pom.xml, so its manifest is checked");
        for (BundleManifest b : built.values()) {
            // A bundle resolved from the local Maven repository would be an older build, not this one.
            assertTrue(b.location().toRealPath().startsWith(root), b.symbolicName() + " was read from "
                    + b.location() + ", not from this build: run Maven from the root with the bundles (-am)");
        }
    }

    @Test
    void noBundleImportsTheCoreOrAPlugin() {
        List<String> violations = DependencyRule.violations(built.values());
        if (!violations.isEmpty()) {
            fail("The dependency rule (docs/architecture.md, decision 0028) is broken:\n  "
                    + String.join("\n  ", violations));
        }
    }

    @Test
    void theRuleSeesTheImportsItJudges() {
        // Guards the check itself: if parsing went wrong, "no violations" would mean nothing.
        BundleManifest sfu = built.get("io.sightline.transport.sfu");
        assertTrue(sfu.imports().contains("io.sightline.api.stream"), sfu.imports()::toString);
        assertTrue(sfu.imports().contains("io.sightline.rtp.rtp"), sfu.imports()::toString);
        assertTrue(built.get("io.sightline.core").contents().contains("io.sightline.core.internal"));
        assertTrue(built.get("io.sightline.api").exports().contains("io.sightline.api.source"));
    }

    private static String symbolicName(Path bnd) throws IOException {
        return Files.readAllLines(bnd).stream().filter(l -> l.startsWith("Bundle-SymbolicName:"))
                .map(l -> l.substring("Bundle-SymbolicName:".length()).strip()).findFirst()
                .orElseThrow(() -> new AssertionError(bnd + " names no Bundle-SymbolicName"));
    }
}
