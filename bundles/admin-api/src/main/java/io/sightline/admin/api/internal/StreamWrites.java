package io.sightline.admin.api.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.Problem;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.transport.SessionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code /api/streams/<name>}: GET (detail), PUT (create or replace), PATCH (JSON merge patch: {@code null} unsets),
 * DELETE, and {@code POST .../stop}, {@code .../start}; {@code POST /api/streams} creates. Every write goes through
 * the {@link StreamCatalog}, the same service as the shell's, so both accept and refuse the same input. Versions
 * travel as {@code ETag} / {@code If-Match}.
 */
final class StreamWrites {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final StreamCatalog catalog;
    private final StreamRegistry streams;
    private final SessionRegistry sessions;

    StreamWrites(StreamCatalog catalog, StreamRegistry streams, SessionRegistry sessions) {
        this.catalog = catalog;
        this.streams = streams;
        this.sessions = sessions;
    }

    void get(String name, HttpServletResponse resp) throws IOException {
        Optional<StreamConfig> config = catalog.get(name);
        if (config.isEmpty()) {
            AdminApiServlet.error(resp, 404, "no stream named '" + name + "' is defined by a file");
            return;
        }
        StreamConfig c = config.get();
        resp.setHeader("ETag", etag(c.version()));
        String type = c.properties().getOrDefault("source.type", "testpattern");
        AdminApiServlet.json(resp, 200, StreamDetail.of(c, catalog.settings(type), streams.find(name),
                sessions.sessions(name)));
    }

    void create(Actor actor, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = body(req, resp);
        if (body == null) {
            return;
        }
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual()) {
            AdminApiServlet.error(resp, 400, "the body needs \"name\" (text) and \"properties\" (an object)");
            return;
        }
        Map<String, String> props = properties(body.get("properties") == null ? JSON.createObjectNode()
                : body.get("properties"), false, resp);
        if (props == null) {
            return;
        }
        write(resp, 201, () -> catalog.create(name.asText(), props, actor), req);
    }

    void put(String name, Actor actor, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = body(req, resp);
        Map<String, String> props = body == null ? null : properties(body, false, resp);
        if (props == null) {
            return;
        }
        boolean existed = catalog.get(name).isPresent();
        if ("*".equals(req.getHeader("If-None-Match")) && existed) {
            AdminApiServlet.error(resp, 412, "stream '" + name + "' exists already (If-None-Match: *)");
            return;
        }
        String version = ifMatch(name, req, resp);
        if (version == NO_MATCH) {
            return;
        }
        write(resp, existed ? 200 : 201, () -> catalog.replace(name, props, version, actor), req);
    }

    void patch(String name, Actor actor, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = body(req, resp);
        if (body == null) {
            return;
        }
        Map<String, String> set = properties(body, true, resp);
        if (set == null) {
            return;
        }
        Set<String> unset = new HashSet<>();
        set.entrySet().removeIf(e -> {
            if (e.getValue() == null) {
                unset.add(e.getKey());
                return true;
            }
            return false;
        });
        String version = ifMatch(name, req, resp);
        if (version == NO_MATCH) {
            return;
        }
        write(resp, 200, () -> catalog.edit(name, set, unset, version, actor), req);
    }

    void delete(String name, Actor actor, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String version = ifMatch(name, req, resp);
        if (version == NO_MATCH) {
            return;
        }
        try {
            catalog.remove(name, version, actor);
            resp.setStatus(204);
        } catch (ChangeRefused e) {
            refused(resp, e);
        }
    }

    void stopOrStart(String name, boolean stop, Actor actor, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        String version = ifMatch(name, req, resp);
        if (version == NO_MATCH) {
            return;
        }
        write(resp, 200, () -> stop ? catalog.stop(name, version, actor) : catalog.start(name, version, actor), req);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private interface Change {
        StreamConfig apply();
    }

    private void write(HttpServletResponse resp, int status, Change change, HttpServletRequest req)
            throws IOException {
        StreamConfig result;
        try {
            result = change.apply();
        } catch (ChangeRefused e) {
            refused(resp, e);
            return;
        }
        resp.setHeader("ETag", etag(result.version()));
        if (status == 201) {
            resp.setHeader("Location", req.getContextPath() + req.getServletPath() + "/streams/" + result.name());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", result.name());
        body.put("version", result.version());
        body.put("properties", StreamDetail.mask(result.properties()));
        AdminApiServlet.json(resp, status, body);
    }

    static void refused(HttpServletResponse resp, ChangeRefused e) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        List<Map<String, String>> problems = e.problems().stream()
                .map(p -> Map.of("key", p.key(), "message", p.message())).toList();
        body.put("problems", problems);
        AdminApiServlet.json(resp, e.reason().httpStatus(), body);
    }

    private static final String NO_MATCH = "\u0000";

    /** The version in If-Match, null without one; {@code *} means "any existing version". */
    private String ifMatch(String name, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String h = req.getHeader("If-Match");
        if (h == null || h.isBlank()) {
            return null;
        }
        h = h.trim();
        if (h.equals("*")) {
            Optional<StreamConfig> c = catalog.get(name);
            if (c.isEmpty()) {
                AdminApiServlet.error(resp, 412, "stream '" + name + "' does not exist (If-Match: *)");
                return NO_MATCH;
            }
            return c.get().version();
        }
        if (h.startsWith("W/")) {
            h = h.substring(2);
        }
        if (h.length() < 2 || !h.startsWith("\"") || !h.endsWith("\"") || h.contains(",")) {
            AdminApiServlet.error(resp, 400, "If-Match must be one ETag as sent by GET, e.g. \"3f2a...\"");
            return NO_MATCH;
        }
        return h.substring(1, h.length() - 1);
    }

    private static String etag(String version) {
        return "\"" + version + "\"";
    }

    private static JsonNode body(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase();
        if (!type.startsWith("application/json") && !type.startsWith("application/merge-patch+json")) {
            AdminApiServlet.error(resp, 415, "Content-Type must be application/json");
            return null;
        }
        if (req.getContentLengthLong() > MAX_BODY) {
            AdminApiServlet.error(resp, 413, "body larger than " + MAX_BODY + " bytes");
            return null;
        }
        byte[] bytes;
        try (InputStream in = req.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            AdminApiServlet.error(resp, 413, "body larger than " + MAX_BODY + " bytes");
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            AdminApiServlet.error(resp, 400, "the body is not valid JSON: " + e.getOriginalMessage());
            return null;
        }
        if (node == null || !node.isObject()) {
            AdminApiServlet.error(resp, 400, "the body must be a JSON object");
            return null;
        }
        return node;
    }

    /**
     * A JSON object of properties as text: numbers and booleans as written, arrays as comma-separated lists, null
     * (PATCH only) kept as null for "unset"; nested objects are refused, one problem per key.
     */
    private static Map<String, String> properties(JsonNode object, boolean nullAllowed, HttpServletResponse resp)
            throws IOException {
        if (!object.isObject()) {
            AdminApiServlet.error(resp, 400, "properties must be a JSON object");
            return null;
        }
        Map<String, String> props = new LinkedHashMap<>();
        List<Problem> problems = new java.util.ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                if (nullAllowed) {
                    props.put(e.getKey(), null);
                } else {
                    problems.add(new Problem(e.getKey(), "null is only allowed in PATCH (it unsets the key)"));
                }
            } else if (v.isValueNode()) {
                props.put(e.getKey(), v.asText());
            } else if (v.isArray()) {
                StringBuilder s = new StringBuilder();
                for (JsonNode item : v) {
                    if (!item.isValueNode() || item.isNull()) {
                        problems.add(new Problem(e.getKey(), "a list may hold only texts and numbers"));
                        break;
                    }
                    s.append(s.length() == 0 ? "" : ", ").append(item.asText());
                }
                props.put(e.getKey(), s.toString());
            } else {
                problems.add(new Problem(e.getKey(), "must be a text, number, boolean or list, not an object"));
            }
        }
        if (!problems.isEmpty()) {
            refused(resp, new ChangeRefused(ChangeRefused.Reason.INVALID, problems));
            return null;
        }
        return props;
    }
}
