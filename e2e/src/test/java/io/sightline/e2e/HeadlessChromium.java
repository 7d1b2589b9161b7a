package io.sightline.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven by Debian's chromedriver through Selenium, as a JUnit extension: one browser
 * per test class, a fresh profile each time, every packet kept on this machine (no Google lookups, no mDNS, no
 * STUN), and on a failed test a screenshot plus the page's console in {@code target/screenshots/}.
 *
 * <p>Selenium is handed both executables, so its Selenium Manager never runs and nothing is ever downloaded.
 */
final class HeadlessChromium implements BeforeAllCallback, AfterAllCallback, AfterTestExecutionCallback {
    private static final List<String> FLAGS = List.of(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--autoplay-policy=no-user-gesture-required",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--allow-loopback-in-peer-connection",
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--use-fake-ui-for-media-stream",
            "--window-size=1280,800");

    private final List<String> extraFlags;
    private ChromeDriver driver;
    private ChromeDriverService service;
    private Path profile;

    HeadlessChromium() {
        this(List.of());
    }

    /** A browser with flags of its own, e.g. {@code --use-fake-device-for-media-stream} for a publisher. */
    HeadlessChromium(List<String> extraFlags) {
        this.extraFlags = List.copyOf(extraFlags);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path chromium = executable("e2e.chromium");
        Path chromedriver = executable("e2e.chromedriver");
        profile = Files.createTempDirectory("sightline-e2e-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(FLAGS);
        options.addArguments(extraFlags);
        options.addArguments("--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        Path driverLog = Path.of(SightlineServerExtension.property("e2e.screenshots")).resolveSibling("chromedriver.log");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogFile(driverLog.toFile())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent() && driver != null) {
            String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
            Screenshots.save(name, () -> driver.getScreenshotAs(OutputType.BYTES), this::consoleLog);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            deleteTree(profile);
        }
    }

    /** Saves what the page shows now, as a record of a passing test. */
    void screenshot(String name) {
        Screenshots.save(name, () -> driver.getScreenshotAs(OutputType.BYTES), this::consoleLog);
    }

    /** Resizes the window, e.g. to a phone's 390x844 for a screenshot of the narrow layout. */
    void windowSize(int width, int height) {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }

    /** Runs {@code javascript} in every page before its own scripts (CDP {@code Page.addScriptToEvaluateOnNewDocument}). */
    void beforeEachPage(String javascript) {
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", javascript));
    }

    void open(URI url) {
        driver.get(url.toString());
    }

    /** Clicks the element {@code css} selects the way a user does (a trusted event: it may unmute or go fullscreen). */
    void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    /** A number from a map a script returned (e.g. the player's stats), or NaN when it is absent or not a number. */
    static double number(Map<String, Object> values, String key) {
        return values.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Runs a script in the page ({@code return ...} gives a value: numbers, strings, maps, lists). */
    Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    /** Polls {@code probe} until {@code done} accepts its value, and returns that value; fails with the last one. */
    <T> T await(Duration timeout, String what, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        T last = null;
        while (true) {
            try {
                last = probe.get();
            } catch (WebDriverException e) {
                last = null; // the page is still loading its modules
            }
            if (last != null && done.test(last)) {
                return last;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not " + what + " within " + timeout.toSeconds() + " s; last: " + last);
            }
            Thread.sleep(200);
        }
    }

    private String consoleLog() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::toString).collect(Collectors.joining("\n"));
    }

    private static Path executable(String property) {
        Path path = Path.of(SightlineServerExtension.property(property));
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing: run ./scripts/install-deps (apt-get install chromium "
                    + "chromium-driver)");
        }
        return path;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
