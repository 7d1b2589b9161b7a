package io.sightline.architecture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * What one built bundle declares and holds: its symbolic name, the packages its generated manifest imports and
 * exports, and the packages of the classes inside it (a class copied into a bundle needs no import, so the imports
 * alone would not show it).
 *
 * @param location the bundle jar, or its {@code target/classes} directory when Maven stops before packaging
 */
record BundleManifest(String symbolicName, Path location, Set<String> imports, Set<String> exports,
        Set<String> contents) {

    /** Reads a bundle from the URL of its {@code META-INF/MANIFEST.MF}; null when it is not an OSGi bundle. */
    static BundleManifest read(URL manifestUrl) throws IOException {
        Manifest manifest;
        try (InputStream in = manifestUrl.openStream()) {
            manifest = new Manifest(in);
        }
        Attributes main = manifest.getMainAttributes();
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null) {
            return null;
        }
        Path location = location(manifestUrl);
        return new BundleManifest(bsn.split(";")[0].strip(), location,
                ManifestHeader.packages(main.getValue("Import-Package")),
                ManifestHeader.packages(main.getValue("Export-Package")), classPackages(location));
    }

    private static Path location(URL manifestUrl) {
        try {
            String url = manifestUrl.toString();
            if (url.startsWith("jar:")) {
                return Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI());
            }
            return Path.of(manifestUrl.toURI()).getParent().getParent();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalArgumentException("unexpected manifest URL " + manifestUrl, e);
        }
    }

    private static Set<String> classPackages(Path location) throws IOException {
        Set<String> packages = new TreeSet<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                    Path dir = location.relativize(f).getParent();
                    if (dir != null) {
                        packages.add(dir.toString().replace(location.getFileSystem().getSeparator(), "."));
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return packages;
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                String name = entries.nextElement().getName();
                int slash = name.lastIndexOf('/');
                if (name.endsWith(".class") && slash > 0) {
                    packages.add(name.substring(0, slash).replace('/', '.'));
                }
            }
        }
        return packages;
    }
}
