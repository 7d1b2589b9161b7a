package io.sightline.core.internal;

import io.sightline.api.media.Codec;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A stream's configuration, parsed and checked once. The raw properties are kept too, for source plugins'
 * own {@code source.*} keys.
 *
 * <p>{@code refusal} is null for a valid file. A file whose stream name is usable but whose settings are not gives
 * {@link #refused} settings instead: the stream is defined so operators see it {@code failed} with the reason in
 * /health, /api/streams and the console, it never opens a source and nobody may watch it.
 */
record StreamSettings(String name, String sourceType, boolean onDemand, int closeAfterSeconds, String transportMode,
        String access, String videoCodec, int bitrateKbps, int gopFrames, int reconnectInitialMs, int reconnectMaxMs,
        int sourceTimeoutMs, boolean enabled, Map<String, Object> properties, String refusal) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String FILE_PREFIX = StreamDefinition.FACTORY_PID + "-";
    /** Addresses and CIDR blocks allowed anonymous access to a public stream; enforced by signaling. */
    static final String PUBLIC_FROM = "access.public.from";
    /** A camera's ladder: 720p at the usual camera bitrate, then about a third and a quarter of that again. */
    static final String DEFAULT_RENDITIONS = "1280x720@2000, 640x360@600, 320x180@150";
    /** The floor's picture rate: smooth enough to follow motion, a third of the bits of 30 fps per picture. */
    static final int FLOOR_FPS = 10;
    /** The floor's bitrate against the lowest rung's: the same box with a third of the pictures. */
    static final int FLOOR_BITRATE_DIVISOR = 3;
    static final String RENDITIONS_STOP_AFTER = "renditions.stop.after.seconds";
    /**
     * Keys whose change leaves the running source alone: each is read where it is used (the access gate, the SFU, the
     * renditions, the supervisor's timers), so a new value applies from the next request, session, switch or failure.
     * Keys starting with {@link #PUBLISHER_KEYS} are the whip plugin's, read at each publication.
     */
    private static final Set<String> LIVE_KEYS = Set.of(Stream.ACCESS, PUBLIC_FROM, Stream.TRANSPORT_MODE,
            "playout.delay", Rendition.RENDITIONS, RENDITIONS_STOP_AFTER, "on.demand.close.after.seconds",
            "reconnect.initial.delay.ms", "reconnect.max.delay.ms", "source.timeout.ms", "description");
    private static final String PUBLISHER_KEYS = "publish.";
    private static final Pattern ADDRESS_OR_BLOCK = Pattern.compile("[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(/\\d{1,3})?");

    static StreamSettings from(Map<String, Object> raw) {
        Map<String, Object> props = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (!k.startsWith("component.") && !k.startsWith("service.") && !k.startsWith("felix.")) {
                props.put(k, v);
            }
        });
        String name = str(raw, Stream.NAME, nameFromFile(raw));
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stream name '" + name + "' is not valid: use 1-64 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit");
        }
        props.put(Stream.NAME, name);
        String mode = str(raw, "mode", "always-on");
        if (!mode.equals("always-on") && !mode.equals("on-demand")) {
            throw new IllegalArgumentException("mode must be always-on or on-demand, got '" + mode + "'");
        }
        String access = str(raw, Stream.ACCESS, "token");
        if (!access.equals("public") && !access.equals("token") && !access.equals("disabled")) {
            throw new IllegalArgumentException("access must be public, token or disabled, got '" + access + "'");
        }
        checkAddressList(raw.get(PUBLIC_FROM));
        Rendition.parseLadder(ladderText(raw), Codec.H264);
        num(raw, RENDITIONS_STOP_AFTER, 10);
        return new StreamSettings(name, str(raw, Stream.SOURCE_TYPE, "testpattern"), mode.equals("on-demand"),
                num(raw, "on.demand.close.after.seconds", 10), str(raw, Stream.TRANSPORT_MODE, "sfu"), access,
                str(raw, "video.codec", "h264").toLowerCase(), num(raw, "video.bitrate.kbps", 2000),
                num(raw, "video.gop.frames", 60), num(raw, "reconnect.initial.delay.ms", 500),
                num(raw, "reconnect.max.delay.ms", 10_000), num(raw, "source.timeout.ms", 10_000),
                bool(raw, Stream.ENABLED, true), Collections.unmodifiableMap(props), null);
    }

    /**
     * The settings of a stream whose file was refused for {@code reason}: access disabled, no source, only the name
     * and the source type kept (as written, for the operator to recognise), or null when the file does not even give
     * a usable stream name.
     */
    static StreamSettings refused(Map<String, Object> raw, String reason) {
        String name;
        try {
            name = str(raw, Stream.NAME, nameFromFile(raw));
        } catch (RuntimeException e) {
            return null;
        }
        if (name == null || !NAME.matcher(name).matches()) {
            return null;
        }
        Object type = raw.get(Stream.SOURCE_TYPE);
        String sourceType = type instanceof String t && !t.isBlank() ? t.trim() : "unknown";
        Map<String, Object> props = new TreeMap<>();
        props.put(Stream.NAME, name);
        props.put(Stream.SOURCE_TYPE, sourceType);
        props.put(Stream.ACCESS, "disabled");
        return new StreamSettings(name, sourceType, false, 10, "sfu", "disabled", "h264", 2000, 60, 500, 10_000,
                10_000, true, Collections.unmodifiableMap(props), reason);
    }

    /**
     * Whether the running source can stay as it is under {@code next}: both files valid and the same values for
     * every key but the {@link #LIVE_KEYS live} ones.
     */
    boolean sameSourceAs(StreamSettings next) {
        return refusal == null && next.refusal == null && sourceKeys().equals(next.sourceKeys());
    }

    private Map<String, Object> sourceKeys() {
        Map<String, Object> keys = new TreeMap<>(properties);
        keys.keySet().removeIf(k -> LIVE_KEYS.contains(k) || k.startsWith(PUBLISHER_KEYS));
        return keys;
    }

    /**
     * The rendition ladder in {@code codec}, highest bitrate first; empty when adaptation is off
     * ({@code renditions =} empty, {@code off} or {@code none}).
     */
    List<Rendition> ladder(Codec codec) {
        List<Rendition> configured = Rendition.parseLadder(ladderText(properties), codec);
        Rendition floor = floorOf(configured);
        if (floor == null) {
            return configured;
        }
        List<Rendition> all = new ArrayList<>(configured);
        all.add(floor);
        return List.copyOf(all);
    }

    /**
     * The floor of the ladder in {@code codec} (issue 14 point 5, decision 0042), or null: the lowest configured rung's
     * box at a third of its bitrate, encoded at {@value #FLOOR_FPS} pictures per second, for viewers whose link
     * cannot carry even the lowest rung. A rung of its own, so all such viewers share one encoding and move onto it
     * and off it like onto any rung.
     */
    Rendition floor(Codec codec) {
        return floorOf(Rendition.parseLadder(ladderText(properties), codec));
    }

    private static Rendition floorOf(List<Rendition> configured) {
        if (configured.size() < 2) {
            return null; // a single rung (or none) means the operator wants no adaptation below it
        }
        Rendition lowest = configured.get(configured.size() - 1);
        int kbps = lowest.bitrateKbps() / FLOOR_BITRATE_DIVISOR;
        if (kbps < 10) {
            return null; // already a floor of its own
        }
        return new Rendition(lowest.codec(), lowest.width(), lowest.height(), kbps);
    }

    /** How long a rendition keeps encoding after its last subscriber left. */
    int renditionsStopAfterSeconds() {
        return num(properties, RENDITIONS_STOP_AFTER, 10);
    }

    private static String ladderText(Map<String, Object> raw) {
        Object v = raw.get(Rendition.RENDITIONS);
        if (v == null) {
            return DEFAULT_RENDITIONS;
        }
        String t = v instanceof String[] a ? String.join(",", a) : v.toString().trim();
        return t.equalsIgnoreCase("off") || t.equalsIgnoreCase("none") ? "" : t;
    }

    /** Refuses host names and other non-literals early, with the file's name in the log, instead of failing closed. */
    private static void checkAddressList(Object value) {
        if (value == null) {
            return;
        }
        Iterable<?> entries = value instanceof String[] a ? java.util.Arrays.asList(a)
                : value instanceof java.util.Collection<?> c ? c : java.util.List.of(value);
        for (Object entry : entries) {
            for (String part : String.valueOf(entry).split(",")) {
                if (!part.isBlank() && !ADDRESS_OR_BLOCK.matcher(part.trim()).matches()) {
                    throw new IllegalArgumentException(PUBLIC_FROM + " takes IP addresses and CIDR blocks such as "
                            + "127.0.0.1/8 or ::1, got '" + part.trim() + "'");
                }
            }
        }
    }

    static Map<String, Object> toMap(Dictionary<String, ?> dict) {
        Map<String, Object> m = new TreeMap<>();
        for (Enumeration<String> keys = dict.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            m.put(k, dict.get(k));
        }
        return m;
    }

    /** Karaf names factory configurations after their file, {@code etc/io.sightline.stream-<name>.cfg}. */
    private static String nameFromFile(Map<String, Object> raw) {
        Object file = raw.get("felix.fileinstall.filename");
        if (file == null) {
            return null;
        }
        String f = file.toString();
        int slash = f.lastIndexOf('/');
        f = f.substring(slash + 1);
        if (f.startsWith(FILE_PREFIX) && f.endsWith(".cfg")) {
            return f.substring(FILE_PREFIX.length(), f.length() - 4);
        }
        return null;
    }

    private static String str(Map<String, Object> raw, String key, String dflt) {
        Object v = raw.get(key);
        return v == null || v.toString().isBlank() ? dflt : v.toString().trim();
    }

    private static boolean bool(Map<String, Object> raw, String key, boolean dflt) {
        Object v = raw.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        String t = v.toString().trim();
        if (!t.equalsIgnoreCase("true") && !t.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + t + "'");
        }
        return Boolean.parseBoolean(t);
    }

    private static int num(Map<String, Object> raw, String key, int dflt) {
        Object v = raw.get(key);
        if (v == null || v.toString().isBlank()) {
            return dflt;
        }
        try {
            int n = v instanceof Number x ? x.intValue() : Integer.parseInt(v.toString().trim());
            if (n < 0) {
                throw new IllegalArgumentException(key + " must not be negative, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }
}
