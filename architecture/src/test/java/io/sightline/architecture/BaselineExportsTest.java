package io.sightline.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What bnd's baseline plugin cannot see here: it compares package contents, but with Bundle-Version ignored (every
 * module shares the project version, decision 0029) a package that is no longer exported at all passes it. This
 * test fails when a package of a recorded baseline (cnf/baseline) is gone from the built bundle or went down in
 * version. Removing one on purpose means recording a new baseline (scripts/baseline) in the same change.
 */
class BaselineExportsTest {

    @Test
    void everyBaselinedPackageIsStillExportedAtItsVersionOrAbove() throws IOException {
        Map<String, Map<String, String>> builtExports = builtExports();
        List<Path> baselines = baselineJars();
        assertFalse(baselines.isEmpty(), "no baseline jar for version " + baselineVersion() + " under cnf/baseline");
        List<String> problems = new ArrayList<>();
        for (Path jar : baselines) {
            String bsn;
            Map<String, String> recorded;
            try (JarFile j = new JarFile(jar.toFile())) {
                bsn = j.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].strip();
                recorded = ManifestHeader.versions(j.getManifest().getMainAttributes().getValue("Export-Package"));
            }
            Map<String, String> now = builtExports.get(bsn);
            assertTrue(now != null, "baseline " + jar + " is for " + bsn + ", which this build did not make");
            recorded.forEach((pkg, version) -> {
                String current = now.get(pkg);
                if (current == null) {
                    problems.add(bsn + " no longer exports " + pkg + " " + version + " (in baseline " + jar.getFileName() + ")");
                } else if (compare(current, version) < 0) {
                    problems.add(bsn + " exports " + pkg + " at " + current + ", below the baseline's " + version);
                }
            });
        }
        if (!problems.isEmpty()) {
            fail("Exported API went away without a new baseline (decision 0029):\n  " + String.join("\n  ", problems));
        }
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(compare("1.10.0", "1.9.0") > 0);
        assertTrue(compare("1.0", "1.0.1") < 0);
        assertEquals(0, compare("2.0.0", "2.0.0"));
    }

    private static Map<String, Map<String, String>> builtExports() throws IOException {
        Map<String, Map<String, String>> exports = new HashMap<>();
        for (URL url : Collections.list(BaselineExportsTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            try (var in = url.openStream()) {
                var main = new java.util.jar.Manifest(in).getMainAttributes();
                String bsn = main.getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    exports.put(bsn.split(";")[0].strip(), ManifestHeader.versions(main.getValue("Export-Package")));
                }
            }
        }
        return exports;
    }

    private static String baselineVersion() {
        return System.getProperty("sightline.baseline.version", "");
    }

    private static List<Path> baselineJars() throws IOException {
        Path repo = Path.of(System.getProperty("sightline.baseline.repository", "../cnf/baseline"));
        String suffix = "-" + baselineVersion() + ".jar";
        try (Stream<Path> files = Files.walk(repo)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** Compares OSGi versions by their numeric parts (qualifiers do not occur in package versions here). */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(part(x, i), part(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int part(String[] parts, int i) {
        return i < parts.length ? Integer.parseInt(parts[i]) : 0;
    }
}
