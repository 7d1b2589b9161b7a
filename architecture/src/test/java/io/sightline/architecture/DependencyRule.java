package io.sightline.architecture;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks built bundles against the dependency rule and says exactly which bundle breaks it with which package.
 *
 * <ul>
 *   <li>A bundle imports a Sightline package only from the API or a shared library (or from itself: bnd imports a
 *       bundle's own exports so the framework may substitute them). So no bundle uses the core or a plugin.</li>
 *   <li>The API imports no Sightline package but its own: it is the bottom of the graph.</li>
 *   <li>A Sightline package lives in one bundle only: a copy (bnd {@code -conditionalpackage},
 *       {@code -includepackage}) would use another bundle's code without any import to show it.</li>
 * </ul>
 * Third-party packages (OSGi, Jackson, JavaCPP...) are not this rule's business: the resolver checks them.
 */
final class DependencyRule {
    static final String NAMESPACE = "io.sightline.";

    private DependencyRule() {
    }

    static List<String> violations(Collection<BundleManifest> bundles) {
        Map<String, BundleManifest> exporters = new HashMap<>();
        Map<String, BundleManifest> holders = new HashMap<>();
        List<String> violations = new ArrayList<>();
        for (BundleManifest b : bundles) {
            b.exports().forEach(p -> exporters.putIfAbsent(p, b));
            for (String p : b.contents()) {
                if (!p.startsWith(NAMESPACE)) {
                    continue;
                }
                BundleManifest other = holders.putIfAbsent(p, b);
                if (other != null) {
                    violations.add("package " + p + " is inside both " + other.symbolicName() + " and "
                            + b.symbolicName() + ": import it from its one owner instead of copying it");
                }
            }
        }
        for (BundleManifest b : bundles) {
            Layer layer = Layer.of(b.symbolicName());
            for (String p : b.imports()) {
                if (!p.startsWith(NAMESPACE) || b.exports().contains(p)) {
                    continue;
                }
                BundleManifest from = exporters.get(p);
                if (layer == Layer.API) {
                    violations.add(describe(b, layer) + " imports " + p + ": the API depends on no other Sightline bundle");
                } else if (from == null || !Layer.of(from.symbolicName()).importable()) {
                    violations.add(describe(b, layer) + " imports " + p + owner(p, from, holders)
                            + "; only the API (" + Layer.API_BUNDLE + ") and the shared libraries "
                            + Layer.LIBRARY_BUNDLES.stream().sorted().toList() + " may be imported");
                }
            }
        }
        return violations;
    }

    private static String describe(BundleManifest b, Layer layer) {
        return b.symbolicName() + " (" + layer.name().toLowerCase() + ")";
    }

    private static String owner(String p, BundleManifest exporter, Map<String, BundleManifest> holders) {
        if (exporter != null) {
            return ", which belongs to " + describe(exporter, Layer.of(exporter.symbolicName()));
        }
        BundleManifest holder = holders.get(p);
        if (holder == null) {
            return ", which no Sightline bundle exports";
        }
        return ", which " + describe(holder, Layer.of(holder.symbolicName())) + " holds but does not export";
    }
}
