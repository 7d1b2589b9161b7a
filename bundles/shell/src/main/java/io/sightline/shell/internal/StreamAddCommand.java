package io.sightline.shell.internal;

import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code stream:add <name> key=value...}: creates {@code etc/io.sightline.stream-<name>.cfg}, validated first. */
@Command(scope = "stream", name = "add", description = "Creates a stream from key=value settings (validated first)")
@Service
public final class StreamAddCommand implements Action {
    @Argument(index = 0, name = "name", description = "Stream name: letters, digits, '_' and '-'", required = true)
    private String name;

    @Argument(index = 1, name = "settings", description = "key=value, e.g. source.type=testpattern source.fps=25",
            multiValued = true)
    @Completion(SettingCompleter.class)
    private List<String> settings;

    @Reference
    private StreamCatalog catalog;

    @Override
    public Object execute() {
        try {
            StreamConfig c = catalog.create(name, ShellChanges.pairs(settings), ShellChanges.actor());
            System.out.println("Stream '" + c.name() + "' created (version " + c.version() + ")");
        } catch (ChangeRefused e) {
            throw ShellChanges.refused(e);
        }
        return null;
    }
}
