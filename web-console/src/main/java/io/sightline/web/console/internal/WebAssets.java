package io.sightline.web.console.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The console's files, read from the bundle under {@code web/} and kept once read (a bundle's content never
 * changes; an update is a new bundle and so a new instance).
 *
 * <p>Only plain relative paths made of safe segments are looked up, so no request can reach another class path
 * resource ({@code ..}, encoded separators, backslashes, hidden files and empty segments are refused before any
 * lookup), and only names with an extension are files, so a directory is never opened.
 */
final class WebAssets {
    static final String ROOT = "web/";
    /** A directory segment: starts with a letter or digit (no hidden files, no {@code ..}), then a safe set. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** A file name always has an extension, so a directory's name never reaches the class loader. */
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}(\\.[A-Za-z0-9_-]{1,16}){1,3}");
    private static final int MAX_SEGMENTS = 8;

    private final Function<String, URL> classpath;
    private final Map<String, Optional<WebAsset>> cache = new ConcurrentHashMap<>();

    /** @param classpath looks a resource up by name, e.g. {@code getClass().getClassLoader()::getResource} */
    WebAssets(Function<String, URL> classpath) {
        this.classpath = classpath;
    }

    /** The asset at a path relative to {@code web/} (like {@code js/player.js}), or empty if none or unsafe. */
    Optional<WebAsset> find(String relativePath) {
        if (!isSafe(relativePath)) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(relativePath, this::load);
    }

    /** Whether a relative path is one that may be looked up at all. */
    static boolean isSafe(String relativePath) {
        if (relativePath == null || relativePath.isEmpty()) {
            return false;
        }
        String[] segments = relativePath.split("/", -1);
        if (segments.length > MAX_SEGMENTS) {
            return false;
        }
        for (int i = 0; i < segments.length - 1; i++) {
            if (!SEGMENT.matcher(segments[i]).matches()) {
                return false;
            }
        }
        return FILE.matcher(segments[segments.length - 1]).matches();
    }

    private Optional<WebAsset> load(String relativePath) {
        URL url = classpath.apply(ROOT + relativePath);
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return Optional.of(WebAsset.of(relativePath, out.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + relativePath, e);
        }
    }
}
