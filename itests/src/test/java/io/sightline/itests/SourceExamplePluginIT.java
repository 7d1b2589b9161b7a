package io.sightline.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import io.sightline.itests.HealthEndpoint.HealthAnswer;
import java.io.IOException;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The example capture plugin ({@code bundles/source-example}, feature {@code sightline-source-example}) in the real
 * distribution, the way an integrator's plugin is used: installed at run time as a feature, feeding a stream
 * defined through ConfigAdmin, its pictures encoded by the core, its failures turned into reconnects, and its removal
 * turning the stream to FAILED.
 *
 * <p>Tests run in name order on one Karaf; the feature is not in the distribution's boot features.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class SourceExamplePluginIT {
    private static final String FEATURE = "sightline-source-example";
    private static final String BUNDLE = "io.sightline.source.example";
    private static final String STREAM = "gradient-it";
    private static final String STREAM_FACTORY_PID = "io.sightline.stream";
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

    /** The same container as {@link SightlineDistributionIT}: the unchanged distribution on free ports, offline. */
    @Configuration
    public Option[] config() throws IOException {
        return new SightlineDistributionIT().config();
    }

    @Test
    public void a_installedFeatureFeedsAStreamWhosePicturesTheCoreEncodes() throws Exception {
        awaitDemoLive();
        assertNull("the example plugin is not booted by the distribution", findBundle(BUNDLE));
        features.installFeature(FEATURE);
        assertEquals(Bundle.ACTIVE, findBundle(BUNDLE).getState());

        stream().update(streamProperties(0));
        Stream gradient = Await.until(STREAM + " live", CHANGE_TIMEOUT, () -> registry.find(STREAM),
                s -> s.isPresent() && s.get().status().state() == StreamState.LIVE).orElseThrow();
        assertEquals("gradient", gradient.sourceType());
        HealthAnswer health = Await.until(STREAM + " live on /health", CHANGE_TIMEOUT, health()::get,
                h -> h.state(STREAM).equals("live"));
        assertEquals("gradient", health.sourceType(STREAM));

        PictureWatcher.awaitPicture(gradient, 320, 240, CHANGE_TIMEOUT);
        Await.until("frames counted at about 15 fps", CHANGE_TIMEOUT, gradient::stats,
                s -> s.framesPerSecond() > 8 && s.framesPerSecond() < 20);
        KeyframeWatcher.awaitH264Keyframe(gradient, CHANGE_TIMEOUT);
        Track video = gradient.tracks().get(0);
        assertEquals(Codec.H264, video.parameters().codec());
        assertEquals(320, video.width());
        assertEquals(240, video.height());
    }

    @Test
    public void b_reportedFailuresAreReconnectedByTheCore() throws Exception {
        Stream gradient = registry.find(STREAM).orElseThrow();
        long reconnectsBefore = gradient.stats().reconnects();
        stream().update(streamProperties(15)); // fails every second at 15 fps
        Await.until("two reconnects", CHANGE_TIMEOUT, () -> registry.find(STREAM).orElseThrow().stats(),
                s -> s.reconnects() >= reconnectsBefore + 2);
        stream().update(streamProperties(0));
        Await.until(STREAM + " live again", CHANGE_TIMEOUT, () -> registry.find(STREAM).orElseThrow().status(),
                s -> s.state() == StreamState.LIVE);
    }

    @Test
    public void c_uninstallingThePluginFailsItsStreamsOnly() throws Exception {
        try {
            features.uninstallFeature(FEATURE);
            assertNull("plugin bundle still installed", findBundle(BUNDLE));
            String detail = "no capture plugin for source.type=gradient is installed";
            Await.until(STREAM + " failed", CHANGE_TIMEOUT, () -> registry.find(STREAM).orElseThrow().status(),
                    s -> s.state() == StreamState.FAILED && s.detail().equals(detail));
            HealthAnswer down = Await.until("/health 503", CHANGE_TIMEOUT, health()::get,
                    h -> h.statusCode() == 503 && h.state(STREAM).equals("failed"));
            assertEquals(detail, down.detail(STREAM));
            assertEquals("live", down.state("demo"));
        } finally {
            stream().delete();
        }
        Await.until(STREAM + " removed", CHANGE_TIMEOUT, () -> registry.find(STREAM), Optional::isEmpty);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private org.osgi.service.cm.Configuration stream() throws IOException {
        return configurations.getFactoryConfiguration(STREAM_FACTORY_PID, STREAM, "?");
    }

    private static Hashtable<String, Object> streamProperties(int failAfterFrames) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("name", STREAM);
        p.put("source.type", "gradient");
        p.put("source.width", "320");
        p.put("source.height", "240");
        p.put("source.fps", "15");
        p.put("source.fail.after.frames", Integer.toString(failAfterFrames));
        p.put("reconnect.initial.delay.ms", "100");
        p.put("access", "public");
        return p;
    }

    private void awaitDemoLive() {
        Await.until("demo live", BOOT_TIMEOUT, () -> registry.find("demo"),
                s -> s.isPresent() && s.get().status().state() == StreamState.LIVE);
    }

    private Bundle findBundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static HealthEndpoint health() {
        return new HealthEndpoint(Integer.parseInt(System.getProperty("sightline.itest.http.port")));
    }

    /** Subscribes to encoded media and waits for an H.264 keyframe: proof the core encoded the raw pictures. */
    private static final class KeyframeWatcher implements MediaSubscriber {
        private final CountDownLatch keyframe = new CountDownLatch(1);
        private volatile String last = "nothing";

        static void awaitH264Keyframe(Stream stream, Duration timeout) throws InterruptedException {
            KeyframeWatcher watcher = new KeyframeWatcher();
            try (Subscription subscription = stream.subscribe(watcher, SubscribeOptions.ENCODED)) {
                assertTrue("no H.264 keyframe from '" + stream.name() + "' in " + timeout.toSeconds() + " s; last: "
                        + watcher.last, watcher.keyframe.await(timeout.toMillis(), TimeUnit.MILLISECONDS));
                assertNotNull(subscription);
            }
        }

        @Override
        public void onTracks(List<Track> tracks) {
            last = "tracks " + tracks;
        }

        @Override
        public void onMedia(EncodedUnit unit) {
            last = unit.toString();
            if (unit.codec() == Codec.H264 && unit.keyframe() && unit.size() > 0) {
                keyframe.countDown();
            }
        }
    }
}
