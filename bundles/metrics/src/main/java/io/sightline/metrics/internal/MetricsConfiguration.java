package io.sightline.metrics.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@code GET /metrics} (PID {@code io.sightline.metrics}). */
@ObjectClassDefinition(name = "Sightline metrics endpoint", description = "GET /metrics in the Prometheus text format")
@interface MetricsConfiguration {
    @AttributeDefinition(name = "Allowed scrapers", description = "CIDR blocks or addresses that may scrape "
            + "(comma separated). The labels name every stream, so the default is loopback only.")
    String[] allow_from() default { "127.0.0.1/8", "::1" };

    @AttributeDefinition(name = "Bearer token file", description = "A file holding a secret scrape token; when set, "
            + "scrapers must also send 'Authorization: Bearer <token>'. Empty: no token.")
    String bearer_token_file() default "";

    @AttributeDefinition(name = "Viewer stats interval", description = "A viewer session's stats are gathered at most "
            + "this often, in seconds (P2P sessions ask native code for them).", min = "0")
    int viewer_stats_interval_seconds() default 5;
}
