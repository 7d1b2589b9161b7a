package io.sightline.api.health;

/** Health of one part, ordered from best to worst. */
public enum HealthStatus {
    /** Working as configured. */
    UP,
    /** Working, but not as well as configured (for example a stream reconnecting). */
    DEGRADED,
    /** Not working. */
    DOWN;

    /** The worse of two statuses. */
    public HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
