package io.sightline.shell.internal;

import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamStats;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code stream:list}: every defined stream with its state, source type, transport and viewer count. */
@Command(scope = "stream", name = "list", description = "Lists the streams with their state, source and viewers")
@Service
public final class StreamListCommand implements Action {
    @Reference
    private StreamRegistry registry;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("State");
        table.column("Source");
        table.column("Transport");
        table.column("Viewers").alignRight();
        table.column("Input kbit/s").alignRight();
        table.column("FPS").alignRight();
        table.column("Detail");
        for (Stream stream : registry.streams()) {
            StreamStats stats = stream.stats();
            table.addRow().addContent(stream.name(), stream.status().state().name().toLowerCase(),
                    stream.sourceType(), stream.transportMode(), stream.viewerCount(),
                    stats.inputBitrateBps() / 1000, String.format("%.1f", stats.framesPerSecond()),
                    stream.status().detail());
        }
        table.print(System.out);
        return null;
    }
}
