package io.sightline.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the e2e launchers do to an unpacked distribution before they start it: unpack, set keys, look at features. */
final class DistributionHome {
    private DistributionHome() {
    }

    /** Unpacks the distribution's tar.gz into {@code home}, removing whatever an earlier run left there. */
    static void unpack(Path distribution, Path home) throws IOException, InterruptedException {
        deleteTree(home);
        Files.createDirectories(home);
        Process p = new ProcessBuilder("tar", "xzf", distribution.toString(), "-C", home.toString(),
                "--strip-components=1").directory(home.toFile()).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("unpacking " + distribution + " failed");
        }
    }

    /** Sets an existing {@code key = value} line of a Karaf .cfg file; a missing key is an error (a renamed key). */
    static void setKey(Path cfg, String key, int value) throws IOException {
        setKey(cfg, key, String.valueOf(value));
    }

    /** Sets an existing {@code key = value} line of a Karaf .cfg file; a missing key is an error (a renamed key). */
    static void setKey(Path cfg, String key, String value) throws IOException {
        String text = Files.readString(cfg, StandardCharsets.ISO_8859_1);
        Pattern line = Pattern.compile("(?m)^\\s*" + Pattern.quote(key) + "\\s*=.*$");
        if (!line.matcher(text).find()) {
            throw new IllegalStateException(cfg + " has no " + key);
        }
        Files.writeString(cfg, line.matcher(text).replaceAll(Matcher.quoteReplacement(key + " = " + value)),
                StandardCharsets.ISO_8859_1);
    }

    /** Adds {@code feature} to the features Karaf boots (etc/org.apache.karaf.features.cfg), unless it is there. */
    static void bootFeature(Path home, String feature) throws IOException {
        Path features = home.resolve("etc/org.apache.karaf.features.cfg");
        String boot = Files.readString(features, StandardCharsets.ISO_8859_1);
        Matcher line = Pattern.compile("(?m)^(featuresBoot\\s*=.*)\\)\\s*$").matcher(boot);
        if (!line.find()) {
            throw new IllegalStateException("no featuresBoot line in " + features);
        }
        if (!line.group(1).contains(feature)) {
            Files.writeString(features, line.replaceFirst(Matcher.quoteReplacement(line.group(1) + ", " + feature
                    + ")")), StandardCharsets.ISO_8859_1);
        }
    }

    /** Adds a Karaf user whose own group has the admin role (the admin API's and the shell's). */
    static void addAdmin(Path home, String user, String password, String group) throws IOException {
        Files.writeString(home.resolve("etc/users.properties"), "\n" + user + " = " + password + ",_g_:" + group
                + "\n_g_\\:" + group + " = group,admin\n", StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);
    }

    /** Whether the distribution's own features repository defines {@code feature}. */
    static boolean hasFeature(Path home, String feature) throws IOException {
        Path repo = home.resolve("system/io/sightline/sightline-features");
        if (!Files.isDirectory(repo)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path xml : files.filter(p -> p.toString().endsWith(".xml")).toList()) {
                if (Files.readString(xml).contains("name=\"" + feature + "\"")) {
                    return true;
                }
            }
        }
        return false;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
