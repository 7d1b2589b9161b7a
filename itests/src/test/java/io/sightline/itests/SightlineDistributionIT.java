package io.sightline.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.itests.HealthEndpoint.HealthAnswer;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Boots the real Sightline Karaf distribution (the assembly's tar.gz, unchanged but for free ports and an offline
 * Maven resolver) and checks what an operator relies on: the demo stream is live at boot, streams come and go with
 * their configurations without disturbing the others, and a capture plugin can be removed and added back at run
 * time without a restart.
 *
 * <p>One Karaf serves all tests ({@link PerClass}); they run in name order and each leaves the server as it found it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SightlineDistributionIT {
    private static final String HTTP_PORT_PROPERTY = "sightline.itest.http.port";
    private static final String STREAM_FACTORY_PID = "io.sightline.stream";
    private static final String TESTPATTERN_FEATURE = "sightline-source-testpattern";
    private static final String TESTPATTERN_BUNDLE = "io.sightline.source.testpattern";
    private static final String NO_PLUGIN_DETAIL = "no capture plugin for source.type=testpattern is installed";
    private static final Duration CONTAINER_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(20);

    @Inject
    private BundleContext context;
    @Inject
    private StreamRegistry registry;
    @Inject
    private ConfigurationAdmin configurations;
    @Inject
    private FeaturesService features;
    @Inject
    private SessionFactory sessions;

    /** Runs in the test JVM (not in Karaf): where the distribution is and how to start it. */
    @Configuration
    public Option[] config() throws IOException {
        String[] ports = freePorts(4);
        File distribution = new File(requiredProperty("sightline.distribution"));
        return options(
                karafDistributionConfiguration()
                        .frameworkUrl(distribution.toURI().toString())
                        .name("Sightline")
                        .karafVersion(requiredProperty("sightline.karaf.version"))
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                logLevel(LogLevel.WARN),
                // A boot that hangs (e.g. a stuck feature refresh) fails the run after this, not after 3 minutes.
                systemTimeout(CONTAINER_TIMEOUT.toMillis()),
                configureConsole().ignoreLocalConsole(),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", ports[0]),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.listening.addresses",
                        "127.0.0.1"),
                // Media ports: any free ones, so a server already running on this machine cannot collide.
                editConfigurationFilePut("etc/io.sightline.transport.sfu.cfg", "udp.port", "0"),
                editConfigurationFilePut("etc/io.sightline.transport.sfu.cfg", "tcp.port", "0"),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", ports[1]),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", ports[2]),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", ports[3]),
                // Pax Exam's own bundles come from a repository the build filled; Karaf must not go to the network.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        requiredProperty("sightline.exam.repository")),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", ""),
                systemProperty(HTTP_PORT_PROPERTY).value(ports[0]),
                // Sightline's services appear only after the last boot stage; give injection time for a slow machine.
                systemProperty("pax.exam.service.timeout").value("60000"));
    }

    @Test
    public void a_bootsWithTheDemoStreamLiveOnHealth() {
        HealthAnswer health = Await.until("/health 200 with demo live", BOOT_TIMEOUT, health()::get,
                h -> h.statusCode() == 200 && h.state("demo").equals("live"));

        assertEquals("up", health.overall());
        assertEquals("testpattern", health.sourceType("demo"));
        assertEquals(StreamState.LIVE, demo().status().state());
    }

    @Test
    public void b_streamFollowsItsFactoryConfigurationWithoutTouchingOthers() throws Exception {
        awaitDemoLive();
        Stream demo = demo();
        StreamStatus demoBefore = demo.status();
        HealthEndpoint health = health();
        KarafShell shell = new KarafShell(sessions);
        shell.awaitCommand("stream", "list");

        org.osgi.service.cm.Configuration lobby = configurations.getFactoryConfiguration(STREAM_FACTORY_PID, "lobby",
                "?");
        try {
            lobby.update(streamProperties(320, 240));
            Await.until("lobby live on /health", CHANGE_TIMEOUT, health::get, h -> h.state("lobby").equals("live"));
            PictureWatcher.awaitPicture(registry.find("lobby").orElseThrow(), 320, 240, CHANGE_TIMEOUT);
            String table = shell.execute("stream:list");
            assertEquals(table, List.of("lobby", "live", "testpattern", "sfu"),
                    firstCells(KarafShell.tableRow(table, "lobby"), 4));
            assertEquals(table, List.of("demo", "live"), firstCells(KarafShell.tableRow(table, "demo"), 2));

            lobby.update(streamProperties(640, 240));
            Await.until("lobby reconfigured to 640 wide and live", CHANGE_TIMEOUT, () -> registry.find("lobby"),
                    s -> s.isPresent() && "640".equals(String.valueOf(s.get().properties().get("source.width")))
                            && s.get().status().state() == StreamState.LIVE);
            PictureWatcher.awaitPicture(registry.find("lobby").orElseThrow(), 640, 240, CHANGE_TIMEOUT);
            assertEquals("live", health.get().state("lobby"));
        } finally {
            lobby.delete();
        }
        Await.until("lobby gone from the registry", CHANGE_TIMEOUT, () -> registry.find("lobby"), Optional::isEmpty);
        HealthAnswer after = Await.until("lobby gone from /health", CHANGE_TIMEOUT, health::get,
                h -> h.statusCode() == 200 && !h.hasStream("lobby"));
        assertTrue("demo still on /health: " + after, after.hasStream("demo"));
        assertEquals(List.of(), KarafShell.tableRow(shell.execute("stream:list"), "lobby"));

        // Another stream's life cycle must not restart demo: same stream object, same status since the start.
        assertSame(demo, demo());
        assertEquals(demoBefore, demo().status());
    }

    @Test
    public void c_capturePluginFeatureCanBeRemovedAndAddedBackWithoutRestart() throws Exception {
        awaitDemoLive();
        HealthEndpoint health = health();
        long coreBundle = bundle("io.sightline.core").getBundleId();
        Object registryServiceId = registryServiceId();
        Stream demo = demo();
        assertTrue("the distribution boots the plugin as a feature of its own, so it can be uninstalled",
                rootFeatures().contains(TESTPATTERN_FEATURE));
        try {
            features.uninstallFeature(TESTPATTERN_FEATURE);
            assertNull("plugin bundle still installed", findBundle(TESTPATTERN_BUNDLE));
            HealthAnswer down = Await.until("demo failed and /health 503", CHANGE_TIMEOUT, health::get,
                    h -> h.statusCode() == 503 && h.state("demo").equals("failed"));
            assertEquals("down", down.overall());
            assertEquals(NO_PLUGIN_DETAIL, down.detail("demo"));
            assertEquals(NO_PLUGIN_DETAIL, demo.status().detail());
            assertEquals(StreamState.FAILED, demo.status().state());
        } finally {
            features.installFeature(TESTPATTERN_FEATURE);
        }
        assertNotNull("plugin bundle installed again", findBundle(TESTPATTERN_BUNDLE));
        HealthAnswer up = Await.until("demo live and /health 200 again", CHANGE_TIMEOUT, health::get,
                h -> h.statusCode() == 200 && h.state("demo").equals("live"));
        assertEquals("up", up.overall());

        // No restart: the core bundle, its registry service and the demo stream object all survived.
        assertEquals(coreBundle, bundle("io.sightline.core").getBundleId());
        assertEquals(Bundle.ACTIVE, bundle("io.sightline.core").getState());
        assertEquals(registryServiceId, registryServiceId());
        assertSame(demo, demo());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private Set<String> rootFeatures() throws Exception {
        Set<String> names = new HashSet<>();
        for (org.apache.karaf.features.Feature f : features.listRequiredFeatures()) {
            names.add(f.getName());
        }
        return names;
    }

    private Object registryServiceId() {
        ServiceReference<StreamRegistry> ref = context.getServiceReference(StreamRegistry.class);
        assertNotNull("no StreamRegistry service", ref);
        return ref.getProperty(Constants.SERVICE_ID);
    }

    private Bundle bundle(String symbolicName) {
        Bundle b = findBundle(symbolicName);
        assertNotNull("bundle " + symbolicName + " is not installed", b);
        return b;
    }

    private Bundle findBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static List<String> firstCells(List<String> row, int count) {
        return row.subList(0, Math.min(count, row.size()));
    }

    private void awaitDemoLive() {
        Await.until("demo live", BOOT_TIMEOUT, () -> registry.find("demo"),
                s -> s.isPresent() && s.get().status().state() == StreamState.LIVE);
    }

    private Stream demo() {
        return registry.find("demo").orElseThrow(() -> new AssertionError("no stream 'demo'"));
    }

    private static HealthEndpoint health() {
        return new HealthEndpoint(Integer.parseInt(requiredProperty(HTTP_PORT_PROPERTY)));
    }

    private static Hashtable<String, Object> streamProperties(int width, int height) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", "lobby");
        p.put("source.type", "testpattern");
        p.put("source.width", Integer.toString(width));
        p.put("source.height", Integer.toString(height));
        p.put("access", "public");
        return p;
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set (run through Maven failsafe)");
        }
        return value;
    }

    /** Distinct free ports (as config values); each socket stays open until all are chosen so none repeats. */
    private static String[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        String[] ports = new String[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = Integer.toString(sockets[i].getLocalPort());
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
