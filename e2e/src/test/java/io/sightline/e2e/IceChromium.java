package io.sightline.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium for one ICE scenario, with flags of its own (e.g. a WebRTC IP handling policy that blocks
 * UDP) and a way to die like a crashed or unplugged viewer: {@link #killHard()} SIGKILLs the browser's whole process
 * tree, so it sends no WHEP DELETE, no DTLS close_notify and no further STUN. Same local-only flags as
 * {@link HeadlessChromium} (which fixes its flags per class and cannot be killed this way).
 */
final class IceChromium implements AutoCloseable {
    private static final List<String> FLAGS = List.of(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--autoplay-policy=no-user-gesture-required",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--allow-loopback-in-peer-connection",
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--window-size=800,600");

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private boolean killed;

    private IceChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Starts Debian's chromium through Debian's chromedriver with the common flags plus {@code extraFlags}. */
    static IceChromium launch(String... extraFlags) throws IOException {
        return launch(Map.of(), extraFlags);
    }

    /**
     * Starts Debian's chromium with profile preferences (e.g. {@code webrtc.ip_handling_policy}: Chromium 156 ignores
     * the {@code --force-webrtc-ip-handling-policy} switch, the preference takes effect) and extra flags.
     */
    static IceChromium launch(Map<String, Object> prefs, String... extraFlags) throws IOException {
        Path profile = Files.createTempDirectory("sightline-e2e-ice-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Path.of(SightlineServerExtension.property("e2e.chromium")).toFile());
        options.addArguments(FLAGS);
        options.addArguments(extraFlags);
        options.addArguments("--user-data-dir=" + profile);
        if (!prefs.isEmpty()) {
            options.setExperimentalOption("prefs", prefs);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(SightlineServerExtension.property("e2e.chromedriver")).toFile())
                .usingAnyFreePort().build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(15));
            return new IceChromium(profile, service, driver);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    void open(URI url) {
        driver.get(url.toString());
    }

    /** Runs a script; a returned promise is awaited (WebDriver execute script). */
    Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    /** Polls {@code probe} until {@code done} accepts its value; fails with the last value seen. */
    <T> T await(Duration timeout, String what, Supplier<T> probe, Predicate<T> done)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        T last = null;
        while (true) {
            try {
                last = probe.get();
            } catch (WebDriverException e) {
                last = null;
            }
            if (last != null && done.test(last)) {
                return last;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not " + what + " within " + timeout.toSeconds() + " s; last: " + last);
            }
            Thread.sleep(250);
        }
    }

    /**
     * SIGKILL to the browser process and all its descendants at once (renderer, network service, zygotes), found
     * under this JVM's chromedriver by the profile directory only this browser uses.
     *
     * @return how many processes were killed
     */
    int killHard() throws InterruptedException {
        String marker = "--user-data-dir=" + profile;
        List<ProcessHandle> browsers = ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
                .toList();
        Optional<ProcessHandle> root = browsers.stream()
                .filter(p -> p.parent().map(parent -> !browsers.contains(parent)).orElse(true)).findFirst();
        if (root.isEmpty()) {
            throw new IllegalStateException("no chromium process with " + marker + " under this JVM");
        }
        List<ProcessHandle> tree = new ArrayList<>(root.get().descendants().toList());
        tree.add(0, root.get());
        tree.forEach(ProcessHandle::destroyForcibly);
        killed = true;
        // One deadline for all: a killed grandchild stays a zombie until whoever inherited it reaps it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tree.stream().anyMatch(IceChromium::running) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (running(root.get())) {
            throw new IllegalStateException("chromium " + root.get().pid() + " survived SIGKILL");
        }
        return tree.size();
    }

    /** Alive and not a zombie: a killed process stays in the table until its parent (chromedriver) reaps it. */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (!killed) {
                driver.quit();
            }
        } catch (WebDriverException e) {
            // The browser is gone already; stopping the driver below is what matters.
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
