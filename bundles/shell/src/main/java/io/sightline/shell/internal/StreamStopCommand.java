package io.sightline.shell.internal;

import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.StreamCatalog;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code stream:stop <name>}: Stops a stream: it stays defined (enabled = false), its source closes, viewers see 'stopped'. */
@Command(scope = "stream", name = "stop", description = "Stops a stream: it stays defined (enabled = false), its source closes, viewers see 'stopped'")
@Service
public final class StreamStopCommand implements Action {
    @Argument(index = 0, name = "name", description = "The stream", required = true)
    @Completion(StreamNameCompleter.class)
    private String name;

    @Reference
    private StreamCatalog catalog;

    @Override
    public Object execute() {
        try {
            catalog.stop(name, null, ShellChanges.actor());
            System.out.println("Stream '" + name + "' stopped");
        } catch (ChangeRefused e) {
            throw ShellChanges.refused(e);
        }
        return null;
    }
}
