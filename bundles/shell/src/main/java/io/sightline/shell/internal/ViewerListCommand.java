package io.sightline.shell.internal;

import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.util.Comparator;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code viewer:list [stream]}: the live viewer sessions, of one stream or all. */
@Command(scope = "viewer", name = "list", description = "Lists viewer sessions, of one stream or all")
@Service
public final class ViewerListCommand implements Action {
    @Argument(index = 0, name = "stream", description = "Only this stream's viewers")
    @Completion(StreamNameCompleter.class)
    private String stream;

    @Reference
    private SessionRegistry sessions;

    @Override
    public Object execute() {
        List<ViewerSession> list = stream == null ? sessions.sessions() : sessions.sessions(stream);
        ShellTable table = new ShellTable();
        table.column("Id");
        table.column("Stream");
        table.column("Transport");
        table.column("Address");
        table.column("State");
        table.column("Seconds").alignRight();
        table.column("kB sent").alignRight();
        table.column("RTT ms").alignRight();
        long now = System.currentTimeMillis();
        for (ViewerSession s : list.stream().sorted(Comparator.comparing(ViewerSession::streamName)
                .thenComparing(ViewerSession::createdMillis)).toList()) {
            ViewerStats st = s.stats();
            table.addRow().addContent(s.id(), s.streamName(), s.transportMode(), s.remoteAddress(), s.state(),
                    (now - s.createdMillis()) / 1000, st == null ? "" : st.bytesSent() / 1000,
                    st == null ? "" : st.rttMs());
        }
        table.print(System.out);
        return null;
    }
}
