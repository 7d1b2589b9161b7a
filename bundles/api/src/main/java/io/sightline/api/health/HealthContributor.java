package io.sightline.api.health;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reports the health of what a bundle owns. The health endpoint ({@code GET /health}) lists every contributor's
 * reports grouped by {@link #group()}; the overall status is the worst of all reports.
 */
@ConsumerType
public interface HealthContributor {
    /** The group the reports are listed under, for example {@code streams}. */
    String group();

    /** Checks now; must be fast and must not block on I/O. */
    List<HealthReport> check();
}
