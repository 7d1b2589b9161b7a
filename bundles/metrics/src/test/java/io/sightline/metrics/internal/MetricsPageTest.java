package io.sightline.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.metrics.internal.Fixtures.FakeSession;
import io.sightline.testing.TestStreamRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsPageTest {
    private final TestStreamRegistry streams = new TestStreamRegistry();
    private final Fixtures.Sessions sessions = new Fixtures.Sessions();
    private final MetricsServlet servlet = new MetricsServlet();

    MetricsPageTest() {
        streams.add(Fixtures.stream("cam \"lobby\"", "sfu", StreamState.LIVE,
                new StreamStats(2_500_000, 29.97, 2000, 3, 12345, 1_700_000_123_456L, 800, 2_500)));
        streams.add(Fixtures.stream("door", "p2p", StreamState.RECONNECTING, StreamStats.EMPTY));
        servlet.use(ScrapeAccess.of(new String[] {"127.0.0.1/8"}, ""), streams, sessions, 0);
    }

    @Test
    void streamFiguresComeFromTheApi() {
        StrictExpositionParser page = StrictExpositionParser.parse(servlet.page());
        String lobby = "cam \"lobby\"";
        assertEquals(1, page.value("sightline_stream_up", "stream", lobby));
        assertEquals(0, page.value("sightline_stream_up", "stream", "door"));
        assertEquals(312_500, page.value("sightline_stream_input_bytes_per_second", "stream", lobby));
        assertEquals(29.97, page.value("sightline_stream_frames_per_second", "stream", lobby));
        assertEquals(2.0, page.value("sightline_stream_keyframe_interval_seconds", "stream", lobby));
        assertEquals(3, page.value("sightline_stream_reconnects_total", "stream", lobby));
        assertEquals(12345, page.value("sightline_stream_units_in_total", "stream", lobby));
        assertEquals(1_700_000_123.456, page.value("sightline_stream_last_unit_timestamp_seconds", "stream", lobby));
        assertEquals(1_700_000_000.5, page.value("sightline_stream_state_since_timestamp_seconds", "stream", "door"));
        assertEquals(0.0008, page.value("sightline_stream_ingest_delay_seconds", "stream", lobby, "quantile", "0.5"));
        assertEquals(0.0025, page.value("sightline_stream_ingest_delay_seconds", "stream", lobby, "quantile",
                "0.95"));
        assertFalse(servlet.page().contains("sightline_stream_ingest_delay_seconds{stream=\"door\""),
                "no ingest delay series for a source that does not report arrival times");
    }

    @Test
    void exactlyOneStateSeriesIsOnePerStream() {
        StrictExpositionParser page = StrictExpositionParser.parse(servlet.page());
        for (StreamState state : StreamState.values()) {
            String s = state.name().toLowerCase();
            assertEquals(state == StreamState.RECONNECTING ? 1 : 0,
                    page.value("sightline_stream_state", "stream", "door", "state", s), s);
            assertEquals(state == StreamState.LIVE ? 1 : 0,
                    page.value("sightline_stream_state", "stream", "cam \"lobby\"", "state", s), s);
        }
    }

    @Test
    void viewersAreCountedAndSummedPerStreamAndTransport() {
        sessions.register(new FakeSession("a", "door", "p2p").sent(100, 120_000, 1, 2, 3, 4));
        sessions.register(new FakeSession("b", "door", "p2p").sent(10, 12_000, 0, 1, 1, 1));
        sessions.register(new FakeSession("c", "door", "sfu").sent(7, 700, 0, 0, 0, 0));
        StrictExpositionParser page = StrictExpositionParser.parse(servlet.page());
        assertEquals(2, page.value("sightline_stream_viewers", "stream", "door", "transport", "p2p"));
        assertEquals(1, page.value("sightline_stream_viewers", "stream", "door", "transport", "sfu"));
        assertEquals(0, page.value("sightline_stream_viewers", "stream", "cam \"lobby\"", "transport", "sfu"),
                "an unwatched stream shows 0 on its configured transport");
        assertEquals(110, page.value("sightline_viewer_packets_sent_total", "stream", "door", "transport", "p2p"));
        assertEquals(132_000, page.value("sightline_viewer_bytes_sent_total", "stream", "door", "transport", "p2p"));
        assertEquals(1, page.value("sightline_viewer_packets_dropped_total", "stream", "door", "transport", "p2p"));
        assertEquals(3, page.value("sightline_viewer_packets_lost_total", "stream", "door", "transport", "p2p"));
        assertEquals(4, page.value("sightline_viewer_nacks_total", "stream", "door", "transport", "p2p"));
        assertEquals(5, page.value("sightline_viewer_keyframe_requests_total", "stream", "door", "transport", "p2p"));
        assertEquals(2, page.value("sightline_viewer_sessions_total", "stream", "door", "transport", "p2p"));
    }

    @Test
    void bandwidthEstimatesArePublishedAsQuantilesOverAStreamsViewers() {
        sessions.register(new FakeSession("a", "door", "sfu").estimated(400_000));
        sessions.register(new FakeSession("b", "door", "sfu").estimated(2_000_000));
        sessions.register(new FakeSession("c", "door", "sfu"));
        String name = "sightline_viewer_bandwidth_estimate_bytes_per_second";
        StrictExpositionParser page = StrictExpositionParser.parse(servlet.page());
        assertEquals(50_000, page.value(name, "stream", "door", "transport", "sfu", "quantile", "0"));
        assertEquals(250_000, page.value(name, "stream", "door", "transport", "sfu", "quantile", "0.5"));
        assertEquals(250_000, page.value(name, "stream", "door", "transport", "sfu", "quantile", "1"));
        assertFalse(servlet.page().contains(name + "{stream=\"cam"), "no series for a stream without estimates");
    }

    @Test
    void typesAndOrderAreFixed() {
        StrictExpositionParser page = StrictExpositionParser.parse(servlet.page());
        List<String> families = List.copyOf(page.types.keySet());
        assertEquals("sightline_stream_up", families.get(0));
        assertTrue(families.indexOf("sightline_stream_state") < families.indexOf("sightline_stream_viewers"));
        page.types.forEach((name, type) -> assertEquals(name.endsWith("_total") ? "counter" : "gauge", type, name));
        for (String required : new String[] {"process_cpu_seconds_total", "process_resident_memory_bytes",
            "jvm_memory_used_bytes", "jvm_threads_live_threads", "sightline_uptime_seconds",
            "process_start_time_seconds"}) {
            assertTrue(page.types.containsKey(required), required);
        }
        assertTrue(page.value("jvm_memory_used_bytes", "area", "heap") > 0);
        assertTrue(page.value("jvm_threads_live_threads") > 1);
        assertTrue(page.value("process_resident_memory_bytes") > 1 << 20);
        assertTrue(page.value("process_cpu_seconds_total") > 0);
        assertEquals(servlet.page().replaceAll("(?m)^(process|jvm|sightline_uptime).*$", ""),
                servlet.page().replaceAll("(?m)^(process|jvm|sightline_uptime).*$", ""),
                "two scrapes of unchanged streams give the same stream lines in the same order");
    }

    @Test
    void noStreamsGivesAValidPageWithHeadersOnly() {
        servlet.use(ScrapeAccess.of(new String[] {"127.0.0.1/8"}, ""), new TestStreamRegistry(), sessions, 0);
        StrictExpositionParser page = StrictExpositionParser.parse(servlet.page());
        assertTrue(page.samples.stream().noneMatch(s -> s.labels().containsKey("stream")));
        assertEquals("counter", page.types.get("sightline_stream_reconnects_total"), "headers are still there");
    }
}
