package io.sightline.shell.internal;

import io.sightline.api.control.StreamCatalog;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the streams defined by files. */
@Service
public final class StreamNameCompleter implements Completer {
    @Reference
    private StreamCatalog catalog;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(catalog.names()).complete(session, commandLine, candidates);
    }
}
