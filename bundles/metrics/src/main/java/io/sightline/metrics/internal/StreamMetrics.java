package io.sightline.metrics.internal;

import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.metrics.internal.TextExposition.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The stream and viewer families. Everything read here is a snapshot the core and the transports publish through
 * volatile fields or concurrent maps, so a scrape takes no lock on the media path.
 */
final class StreamMetrics {
    private static final StreamState[] STATES = StreamState.values();

    private final StreamRegistry streams;
    private final SessionRegistry sessions;
    private final ViewerTotals viewers;

    StreamMetrics(StreamRegistry streams, SessionRegistry sessions, long viewerStatsIntervalMillis) {
        this.streams = streams;
        this.sessions = sessions;
        this.viewers = new ViewerTotals(viewerStatsIntervalMillis);
    }

    /** One stream's figures, read once so every family of a scrape shows the same moment. */
    private record Row(String name, String transport, StreamStatus status, StreamStats stats,
            List<RenditionStatus> renditions) {
    }

    /** Writes every stream and viewer family; serialised because the viewer sums are kept between scrapes. */
    synchronized void write(TextExposition out, long nowNanos) {
        List<Row> rows = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Stream s : streams.streams()) {
            rows.add(new Row(s.name(), s.transportMode(), s.status(), s.stats(), s.renditionStatus()));
            names.add(s.name());
        }
        Map<ViewerTotals.Key, ViewerTotals.Sums> groups = viewers.update(sessions.sessions(), names, nowNanos);

        out.family("sightline_stream_up", Type.GAUGE, "1 while the stream is live (media flowing), else 0.");
        rows.forEach(r -> out.sample(r.status().state() == StreamState.LIVE ? 1 : 0, "stream", r.name()));
        out.family("sightline_stream_state", Type.GAUGE,
                "The stream's state: 1 on the series of the current state, 0 on the others.");
        for (Row r : rows) {
            for (StreamState state : STATES) {
                out.sample(r.status().state() == state ? 1 : 0, "stream", r.name(), "state",
                        state.name().toLowerCase(Locale.ROOT));
            }
        }
        out.family("sightline_stream_state_since_timestamp_seconds", Type.GAUGE,
                "When the stream entered its current state, seconds since the epoch.");
        rows.forEach(r -> out.sample(r.status().sinceMillis() / 1000.0, "stream", r.name()));
        // Bytes, not bits: Prometheus' base unit (promtool flags "bits"); multiply by 8 for the bitrate.
        out.family("sightline_stream_input_bytes_per_second", Type.GAUGE,
                "Encoded input rate over the last few seconds (x8 for bits per second).");
        rows.forEach(r -> out.sample(r.stats().inputBitrateBps() / 8.0, "stream", r.name()));
        out.family("sightline_stream_frames_per_second", Type.GAUGE,
                "Input video frames per second over the last few seconds.");
        rows.forEach(r -> out.sample(r.stats().framesPerSecond(), "stream", r.name()));
        out.family("sightline_stream_keyframe_interval_seconds", Type.GAUGE,
                "Time between the last two input keyframes (0 if unknown).");
        rows.forEach(r -> out.sample(r.stats().keyframeIntervalMs() / 1000.0, "stream", r.name()));
        out.family("sightline_stream_reconnects_total", Type.COUNTER,
                "Times the source was reopened after a failure.");
        rows.forEach(r -> out.sample(r.stats().reconnects(), "stream", r.name()));
        out.family("sightline_stream_units_in_total", Type.COUNTER,
                "Encoded units (video frames and audio packets) and raw pictures received from the source.");
        rows.forEach(r -> out.sample(r.stats().unitsIn(), "stream", r.name()));
        out.family("sightline_stream_last_unit_timestamp_seconds", Type.GAUGE,
                "When the last unit arrived from the source, seconds since the epoch (0 if none yet).");
        rows.forEach(r -> out.sample(r.stats().lastUnitMillis() / 1000.0, "stream", r.name()));
        out.family("sightline_stream_ingest_delay_seconds", Type.GAUGE,
                "Time from a unit's arrival on the ingest socket to its hand-off to the stream, over the last 256"
                        + " units, by quantile; only for sources that report socket arrival (the native RTSP client).");
        for (Row r : rows) {
            if (r.stats().ingestDelayP50Micros() >= 0) {
                out.sample(r.stats().ingestDelayP50Micros() / 1e6, "stream", r.name(), "quantile", "0.5");
                out.sample(r.stats().ingestDelayP95Micros() / 1e6, "stream", r.name(), "quantile", "0.95");
            }
        }

        writeRenditions(out, rows);
        writeViewers(out, rows, groups);
    }

    /** Only running renditions have series: a rung nobody needs costs nothing and shows nothing. */
    private static void writeRenditions(TextExposition out, List<Row> rows) {
        out.family("sightline_rendition_viewers", Type.GAUGE,
                "Viewer sessions served from a running rendition (the stream's video encoded once more), by rung; "
                        + "a simulcast publisher's layers have simulcast=\"true\" and no encoder.");
        for (Row r : rows) {
            r.renditions().forEach(x -> out.sample(x.viewers(), "stream", r.name(), "rendition", x.rendition().key(),
                    "simulcast", String.valueOf(x.rendition().isLayer())));
        }
        out.family("sightline_rendition_encode_cpu_seconds_total", Type.COUNTER,
                "CPU time the rendition's encoder thread spent scaling and encoding since the rendition started.");
        for (Row r : rows) {
            r.renditions().forEach(x -> out.sample(x.encodeCpuNanos() / 1e9, "stream", r.name(), "rendition",
                    x.rendition().key()));
        }
        out.family("sightline_rendition_pictures_total", Type.COUNTER,
                "Pictures the rendition encoded since it started.");
        for (Row r : rows) {
            r.renditions().forEach(x -> out.sample(x.pictures(), "stream", r.name(), "rendition",
                    x.rendition().key()));
        }
    }

    private static void writeViewers(TextExposition out, List<Row> rows,
            Map<ViewerTotals.Key, ViewerTotals.Sums> groups) {
        // A stream nobody watches still shows 0 viewers on its configured transport, so dashboards see the series.
        for (Row r : rows) {
            groups.computeIfAbsent(new ViewerTotals.Key(r.name(), r.transport()), k -> new ViewerTotals.Sums());
        }
        out.family("sightline_stream_viewers", Type.GAUGE, "Live viewer sessions.");
        groups.forEach((k, s) -> out.sample(s.live, "stream", k.stream(), "transport", k.transport()));
        counter(out, groups, "sightline_viewer_sessions_total",
                "Viewer sessions seen (by scrapes: sessions shorter than a scrape interval are missed).", s -> s.sessions);
        counter(out, groups, "sightline_viewer_packets_sent_total", "RTP packets sent to viewers.", s -> s.packetsSent);
        counter(out, groups, "sightline_viewer_bytes_sent_total", "RTP bytes (header and payload) sent to viewers.",
                s -> s.bytesSent);
        counter(out, groups, "sightline_viewer_packets_dropped_total",
                "Packets dropped locally because a viewer's queue was full.", s -> s.packetsDropped);
        counter(out, groups, "sightline_viewer_packets_lost_total", "Packets viewers reported lost (RTCP RR).",
                s -> s.packetsLost);
        counter(out, groups, "sightline_viewer_nacks_total", "Packets viewers asked to be resent (NACK).",
                s -> s.nacks);
        counter(out, groups, "sightline_viewer_keyframe_requests_total",
                "Keyframe requests from viewers (PLI and FIR).", s -> s.keyframeRequests);
        // Quantiles over the viewers rather than a series per session: the label set stays per stream, however many
        // watch; the lowest is the viewer a rendition ladder would have to serve.
        out.family("sightline_viewer_bandwidth_estimate_bytes_per_second", Type.GAUGE,
                "The server's estimate of what reaches each live viewer that has one, by quantile over those viewers"
                        + " (0: the lowest, 0.5: the median, 1: the highest; x8 for bits per second).");
        groups.forEach((k, s) -> {
            for (String q : ESTIMATE_QUANTILES) {
                long bps = s.estimateQuantile(Double.parseDouble(q));
                if (bps >= 0) {
                    out.sample(bps / 8.0, "stream", k.stream(), "transport", k.transport(), "quantile", q);
                }
            }
        });
    }

    private static final String[] ESTIMATE_QUANTILES = {"0", "0.5", "1"};

    private static void counter(TextExposition out, Map<ViewerTotals.Key, ViewerTotals.Sums> groups, String name,
            String help, ToLongFunction<ViewerTotals.Sums> value) {
        out.family(name, Type.COUNTER, help);
        groups.forEach((k, s) -> out.sample(value.applyAsLong(s), "stream", k.stream(), "transport", k.transport()));
    }
}
