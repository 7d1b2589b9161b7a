package io.sightline.shell.internal;

import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.StreamCatalog;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code stream:remove <name>}: Removes a stream (deletes its file); its viewers are disconnected. */
@Command(scope = "stream", name = "remove", description = "Removes a stream (deletes its file); its viewers are disconnected")
@Service
public final class StreamRemoveCommand implements Action {
    @Argument(index = 0, name = "name", description = "The stream", required = true)
    @Completion(StreamNameCompleter.class)
    private String name;

    @Reference
    private StreamCatalog catalog;

    @Override
    public Object execute() {
        try {
            catalog.remove(name, null, ShellChanges.actor());
            System.out.println("Stream '" + name + "' removed");
        } catch (ChangeRefused e) {
            throw ShellChanges.refused(e);
        }
        return null;
    }
}
