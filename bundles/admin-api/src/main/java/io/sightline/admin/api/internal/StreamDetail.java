package io.sightline.admin.api.internal;

import io.sightline.api.control.Masking;
import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.ViewerSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code GET /api/streams/<name>} and {@code stream:info} show: every setting with its value or default
 * (secrets masked), the state and its last transitions, input figures, viewers per transport and renditions.
 */
final class StreamDetail {
    private StreamDetail() {
    }

    static Map<String, Object> of(StreamConfig config, List<Setting> settings, Optional<Stream> live,
            List<ViewerSession> viewers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", config.name());
        m.put("version", config.version());
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, String> rest = new TreeMap<>(config.properties());
        for (Setting s : settings) {
            String value = rest.remove(s.key());
            rows.add(row(s.key(), value == null ? s.defaultValue() : value, value == null, s.secret(), s.origin(),
                    s.label()));
        }
        rest.forEach((k, v) -> rows.add(row(k, v, false, false, "unvalidated", "")));
        m.put("settings", rows);
        m.put("properties", mask(config.properties()));
        live.ifPresentOrElse(stream -> {
            StreamStatus st = stream.status();
            m.put("state", st.state().name().toLowerCase());
            m.put("detail", st.detail());
            m.put("since", st.sinceMillis());
            List<Map<String, Object>> history = new ArrayList<>();
            for (StreamStatus h : stream.history()) {
                history.add(Map.of("state", h.state().name().toLowerCase(), "detail", h.detail(),
                        "since", h.sinceMillis()));
            }
            m.put("history", history);
            m.put("stats", AdminApiServlet.streamJson(stream).get("stats"));
            m.put("ladder", AdminApiServlet.streamJson(stream).get("ladder"));
            m.put("renditions", AdminApiServlet.streamJson(stream).get("renditions"));
            List<Map<String, Object>> tracks = new ArrayList<>();
            for (Track t : stream.tracks()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", t.kind() == MediaKind.VIDEO ? "video" : "audio");
                r.put("codec", t.parameters().codec().name().toLowerCase());
                if (t.kind() == MediaKind.VIDEO) {
                    r.put("width", t.width());
                    r.put("height", t.height());
                }
                tracks.add(r);
            }
            m.put("tracks", tracks);
        }, () -> {
            // The file exists but the server has not (yet) applied it, or refused it: see the log.
            m.put("state", "not-loaded");
            m.put("detail", "the file is not applied (yet); if this stays, the log says why");
        });
        Map<String, Integer> perTransport = new TreeMap<>();
        for (ViewerSession v : viewers) {
            perTransport.merge(v.transportMode(), 1, Integer::sum);
        }
        m.put("viewers", perTransport);
        return m;
    }

    private static Map<String, Object> row(String key, String value, boolean isDefault, boolean secret,
            String origin, String label) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("key", key);
        r.put("value", secret && value != null && !value.isEmpty() ? Masking.MASK : Masking.mask(key, value));
        r.put("default", isDefault);
        r.put("origin", origin);
        r.put("label", label);
        return r;
    }

    static Map<String, String> mask(Map<String, String> properties) {
        return Masking.mask(properties);
    }
}
