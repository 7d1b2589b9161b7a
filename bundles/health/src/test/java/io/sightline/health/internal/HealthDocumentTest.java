package io.sightline.health.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sightline.api.health.HealthContributor;
import io.sightline.api.health.HealthReport;
import io.sightline.api.health.HealthStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthDocumentTest {
    private static HealthContributor contributor(String group, HealthReport... reports) {
        return new HealthContributor() {
            @Override
            public String group() {
                return group;
            }

            @Override
            public List<HealthReport> check() {
                return List.of(reports);
            }
        };
    }

    @Test
    void overallIsTheWorstReport() {
        Map<String, Object> doc = HealthServlet.HealthDocument.build(List.of(
                contributor("streams", new HealthReport("demo", HealthStatus.UP, Map.of("state", "live")),
                        new HealthReport("cam", HealthStatus.DEGRADED, Map.of("state", "reconnecting")))));
        assertEquals("degraded", doc.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> streams = (Map<String, Map<String, Object>>) doc.get("streams");
        assertEquals("up", streams.get("demo").get("status"));
        assertEquals("live", streams.get("demo").get("state"));
        assertEquals("reconnecting", streams.get("cam").get("state"));
    }

    @Test
    void aFailingContributorIsReportedDown() {
        HealthContributor broken = new HealthContributor() {
            @Override
            public String group() {
                return "broken";
            }

            @Override
            public List<HealthReport> check() {
                throw new IllegalStateException("boom");
            }
        };
        Map<String, Object> doc = HealthServlet.HealthDocument.build(List.of(broken));
        assertEquals("down", doc.get("status"));
    }

    @Test
    void noContributorsIsUp() {
        assertEquals("up", HealthServlet.HealthDocument.build(List.of()).get("status"));
    }

    @Test
    void onlyLoopbackAddressesCountAsLocal() {
        org.junit.jupiter.api.Assertions.assertTrue(HealthServlet.isLoopback("127.0.0.1"));
        org.junit.jupiter.api.Assertions.assertTrue(HealthServlet.isLoopback("::1"));
        org.junit.jupiter.api.Assertions.assertFalse(HealthServlet.isLoopback("10.1.2.3"));
        org.junit.jupiter.api.Assertions.assertFalse(HealthServlet.isLoopback(null));
    }
}
