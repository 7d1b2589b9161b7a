package io.sightline.shell.internal;

import io.sightline.api.control.Masking;
import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.RenditionStatus;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code stream:info <name>}: every setting (defaults marked with *, secrets masked), the state and its last
 * transitions, ingest figures, viewers per transport and renditions.
 */
@Command(scope = "stream", name = "info", description = "Shows a stream's settings, state history, ingest, viewers "
        + "and renditions")
@Service
public final class StreamInfoCommand implements Action {
    @Argument(index = 0, name = "name", description = "The stream", required = true)
    @Completion(StreamNameCompleter.class)
    private String name;

    @Reference
    private StreamCatalog catalog;
    @Reference
    private StreamRegistry registry;
    @Reference
    private SessionRegistry sessions;

    @Override
    public Object execute() {
        Optional<StreamConfig> config = catalog.get(name);
        Optional<Stream> live = registry.find(name);
        if (config.isEmpty() && live.isEmpty()) {
            throw new IllegalArgumentException("no stream named '" + name + "'");
        }
        System.out.println("Stream " + name);
        config.ifPresent(this::printSettings);
        live.ifPresentOrElse(this::printLive, () -> System.out.println("\nState: not loaded (the file is not applied"
                + " yet, or was refused: see the log)"));
        Map<String, Integer> perTransport = new TreeMap<>();
        for (ViewerSession s : sessions.sessions(name)) {
            perTransport.merge(s.transportMode(), 1, Integer::sum);
        }
        System.out.println("\nViewers: " + (perTransport.isEmpty() ? "none" : perTransport.toString()
                .replaceAll("[{}]", "")));
        return null;
    }

    private void printSettings(StreamConfig c) {
        System.out.println("\nSettings (* = default), version " + c.version());
        ShellTable table = new ShellTable();
        table.column("Key");
        table.column("Value");
        table.column("From");
        Map<String, String> rest = new TreeMap<>(c.properties());
        for (Setting s : catalog.settings(c.properties().getOrDefault(Stream.SOURCE_TYPE, "testpattern"))) {
            String value = rest.remove(s.key());
            boolean secret = s.secret();
            table.addRow().addContent(s.key(), value == null ? "* " + s.defaultValue() : show(s.key(), value, secret),
                    s.origin());
        }
        rest.forEach((k, v) -> table.addRow().addContent(k, show(k, v, false), "unvalidated"));
        table.print(System.out);
    }

    private void printLive(Stream s) {
        StreamStatus st = s.status();
        System.out.println("\nState: " + st.state().name().toLowerCase() + (st.detail().isEmpty() ? ""
                : " (" + st.detail() + ")") + " since " + Instant.ofEpochMilli(st.sinceMillis()));
        ShellTable history = new ShellTable();
        history.column("Since");
        history.column("State");
        history.column("Reason");
        for (StreamStatus h : s.history()) {
            history.addRow().addContent(Instant.ofEpochMilli(h.sinceMillis()), h.state().name().toLowerCase(),
                    h.detail());
        }
        history.print(System.out);
        StreamStats stats = s.stats();
        System.out.printf("%nIngest: %d kbit/s, %.1f fps, keyframe every %d ms, %d units, %d reconnects%n",
                stats.inputBitrateBps() / 1000, stats.framesPerSecond(), stats.keyframeIntervalMs(), stats.unitsIn(),
                stats.reconnects());
        System.out.println("\nTracks:" + (s.tracks().isEmpty() ? " none yet" : ""));
        for (Track t : s.tracks()) {
            System.out.println("  " + (t.kind() == MediaKind.VIDEO ? "video " : "audio ")
                    + t.parameters().codec().name().toLowerCase()
                    + (t.kind() == MediaKind.VIDEO ? " " + t.width() + "x" + t.height() : ""));
        }
        printRenditions(s);
    }

    /** The ladder, and the rungs that run now with their viewers and encoder CPU (share of a core since start). */
    private static void printRenditions(Stream s) {
        List<String> ladder = s.renditions().stream().map(r -> r.width() + "x" + r.height() + "@" + r.bitrateKbps()
                + (r.isLayer() ? " (simulcast " + r.layer() + ")" : "")).toList();
        System.out.println("\nRenditions: " + (ladder.isEmpty() ? "off (renditions is empty)" : String.join(", ", ladder)));
        List<RenditionStatus> running = s.renditionStatus();
        if (running.isEmpty()) {
            System.out.println("  none running");
            return;
        }
        ShellTable table = new ShellTable();
        table.column("Rendition");
        table.column("Viewers");
        table.column("Pictures");
        table.column("Encode CPU");
        table.column("Running since");
        long now = System.currentTimeMillis();
        for (RenditionStatus r : running) {
            double percent = r.encodeCpuNanos() / 1e4 / Math.max(1, now - r.startedMillis());
            String rung = r.rendition().isLayer() ? r.rendition().key() + " (simulcast, " + r.rendition().width() + "x"
                    + r.rendition().height() + "@" + r.rendition().bitrateKbps() + ")" : r.rendition().key();
            table.addRow().addContent(rung, r.viewers(), r.pictures(),
                    r.rendition().isLayer() ? "0 (sent by the publisher)" : String.format("%.1f%% of a core", percent),
                    Instant.ofEpochMilli(r.startedMillis()));
        }
        table.print(System.out);
    }

    private static String show(String key, String value, boolean secret) {
        return secret && !value.isEmpty() ? Masking.MASK : Masking.mask(key, value);
    }
}
