package io.sightline.shell.internal;

import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.StreamCatalog;
import io.sightline.api.control.StreamConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code stream:edit <name> key=value... [--unset key]}: changes some settings, keeps the others. */
@Command(scope = "stream", name = "edit", description = "Changes some settings of a stream; --unset key restores a "
        + "default")
@Service
public final class StreamEditCommand implements Action {
    @Argument(index = 0, name = "name", description = "The stream", required = true)
    @Completion(StreamNameCompleter.class)
    private String name;

    @Argument(index = 1, name = "settings", description = "key=value pairs; '--unset key' may follow them too",
            multiValued = true)
    @Completion(SettingCompleter.class)
    private List<String> settings;

    @Option(name = "--unset", aliases = "-u", description = "A key to remove (back to its default)",
            multiValued = true)
    private List<String> unset;

    @Reference
    private StreamCatalog catalog;

    @Override
    public Object execute() {
        // Karaf parses options only before the first argument: pick "--unset key" out of the trailing ones.
        Set<String> removed = new HashSet<>(unset == null ? List.of() : unset);
        List<String> pairs = new ArrayList<>();
        List<String> args = settings == null ? List.of() : settings;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--unset") || a.equals("-u")) && i + 1 < args.size()) {
                removed.add(args.get(++i));
            } else {
                pairs.add(a);
            }
        }
        if (pairs.isEmpty() && removed.isEmpty()) {
            throw new IllegalArgumentException("nothing to change: give key=value pairs or --unset key");
        }
        try {
            StreamConfig c = catalog.edit(name, ShellChanges.pairs(pairs), removed, null, ShellChanges.actor());
            System.out.println("Stream '" + c.name() + "' changed (version " + c.version() + ")");
        } catch (ChangeRefused e) {
            throw ShellChanges.refused(e);
        }
        return null;
    }
}
