package io.sightline.core.internal;

import io.sightline.api.health.HealthContributor;
import io.sightline.api.health.HealthReport;
import io.sightline.api.health.HealthStatus;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Reports each stream's state and input measurements to the health endpoint. */
@Component
public final class StreamHealthContributor implements HealthContributor {
    @Reference
    private StreamRegistry registry;

    @Override
    public String group() {
        return "streams";
    }

    @Override
    public List<HealthReport> check() {
        List<HealthReport> reports = new ArrayList<>();
        for (Stream stream : registry.streams()) {
            reports.add(report(stream));
        }
        return reports;
    }

    static HealthReport report(Stream stream) {
        StreamStatus status = stream.status();
        StreamStats stats = stream.stats();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", status.state().name().toLowerCase());
        if (!status.detail().isEmpty()) {
            details.put("detail", status.detail());
        }
        details.put("sourceType", stream.sourceType());
        details.put("transport", stream.transportMode());
        details.put("viewers", stream.viewerCount());
        details.put("inputBitrateBps", stats.inputBitrateBps());
        details.put("fps", Math.round(stats.framesPerSecond() * 10) / 10.0);
        details.put("keyframeIntervalMs", stats.keyframeIntervalMs());
        details.put("reconnects", stats.reconnects());
        return new HealthReport(stream.name(), health(status), details);
    }

    private static HealthStatus health(StreamStatus status) {
        return switch (status.state()) {
            // A stopped stream is an operator's decision, not an outage.
            case LIVE, IDLE, STOPPED -> HealthStatus.UP;
            case STARTING, RECONNECTING -> HealthStatus.DEGRADED;
            case FAILED -> HealthStatus.DOWN;
        };
    }
}
