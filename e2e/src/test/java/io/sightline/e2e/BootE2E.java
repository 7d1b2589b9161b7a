package io.sightline.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The distribution's first boot must not refresh bundles: a boot-time refresh of pax-logging and features.core can
 * deadlock Felix (FelixStartLevel holds features.core's lock while the boot install waits to stop it). Event Admin is
 * a startup bundle for that reason (karaf-assembly/pom.xml); this test notices when a new boot feature brings the
 * refresh back.
 */
@ExtendWith(SightlineServerExtension.class)
class BootE2E {
    @Test
    void firstBootProvisionsWithoutRefreshingBundles(SightlineServer server) throws Exception {
        Path log = server.home().resolve("data/log/karaf.log");
        assertTrue(Files.isRegularFile(log), "karaf.log exists: " + log);
        String boot = bootProvisioning(Files.readString(log));
        assertFalse(boot.contains("Stopping bundles:"),
                "a boot feature made Karaf refresh bundles during boot (see karaf.log: 'Stopping bundles:')");
    }

    /** The log up to the end of the last boot stage (Sightline's features); later runtime installs may refresh. */
    private static String bootProvisioning(String log) {
        int lastStage = log.indexOf("Adding features: sightline");
        if (lastStage < 0) {
            lastStage = log.indexOf("sightline-transport-sfu/[");
        }
        assertTrue(lastStage >= 0, "the log shows the boot stage that adds Sightline's features");
        int done = log.indexOf("| Done.", lastStage);
        assertTrue(done >= 0, "boot provisioning finished");
        return log.substring(0, done);
    }
}
