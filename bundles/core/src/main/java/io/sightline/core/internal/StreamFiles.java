package io.sightline.core.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The stream files in Karaf's {@code etc/}: {@code io.sightline.stream-<name>.cfg}, read and written the way an
 * operator's editor would, so that Felix FileInstall applies them like any hand edit. A write goes to a temporary
 * file first and is moved into place, so FileInstall never sees half a file.
 */
final class StreamFiles {
    private static final String PREFIX = StreamDefinition.FACTORY_PID + "-";
    private static final String SUFFIX = ".cfg";

    /** A file's content: the properties as text and a version tag of its bytes. */
    record Stored(String name, Map<String, String> properties, String version) {
    }

    private final Path dir;

    StreamFiles(Path dir) {
        this.dir = dir;
    }

    Path file(String name) {
        return dir.resolve(PREFIX + name + SUFFIX);
    }

    Optional<Stored> read(String name) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(name));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Properties p = new Properties();
        // .cfg files are ISO-8859-1 with \\u escapes, like java.util.Properties (we write non-ASCII escaped).
        p.load(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
        Map<String, String> props = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k).trim()));
        return Optional.of(new Stored(name, props, version(bytes)));
    }

    List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                names.add(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
            }
        }
        names.sort(null);
        return names;
    }

    /** Writes the whole file; returns its new version. */
    String write(String name, Map<String, String> properties, String header) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : header.split("\n")) {
            text.append("# ").append(line).append('\n');
        }
        new TreeMap<>(properties).forEach((k, v) -> text.append(k).append(" = ").append(escape(v)).append('\n'));
        byte[] bytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        Files.createDirectories(dir);
        // Not *.cfg, so FileInstall ignores it until the move.
        Path tmp = Files.createTempFile(dir, "." + PREFIX + name, ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return version(bytes);
    }

    void delete(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    /** Properties-file escaping: backslashes, a leading blank, line breaks and anything outside printable ASCII. */
    static String escape(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                s.append("\\\\");
            } else if (c == ' ' && i == 0) {
                s.append("\\ ");
            } else if (c < 0x20 || c > 0x7e) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    static String version(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
