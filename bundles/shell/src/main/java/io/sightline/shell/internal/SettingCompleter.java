package io.sightline.shell.internal;

import io.sightline.api.control.Setting;
import io.sightline.api.control.StreamCatalog;
import java.util.ArrayList;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * Completes {@code key=} for every setting of the stream's metatype and of every installed plugin's, and
 * {@code source.type=<type>} / {@code key=<option>} for keys with a fixed set of values.
 */
@Service
public final class SettingCompleter implements Completer {
    @Reference
    private StreamCatalog catalog;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> words = new ArrayList<>();
        for (String type : catalog.sourceTypes()) {
            words.add("source.type=" + type);
            for (Setting s : catalog.settings(type)) {
                if (s.options().isEmpty()) {
                    words.add(s.key() + "=");
                } else {
                    s.options().forEach(o -> words.add(s.key() + "=" + o));
                }
            }
        }
        return new StringsCompleter(words.stream().distinct().sorted().toList()).complete(session, commandLine,
                candidates);
    }
}
