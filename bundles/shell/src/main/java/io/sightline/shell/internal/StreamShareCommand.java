package io.sightline.shell.internal;

import io.sightline.api.auth.TokenIssuer;
import io.sightline.api.stream.StreamRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code stream:share <stream> [--ttl 10m]}: prints a player URL carrying a read-only token for that one stream, valid
 * for the given time. Needs a {@link TokenIssuer} (feature {@code sightline-auth-jwt}).
 */
@Command(scope = "stream", name = "share",
        description = "Prints a player link with a read-only token for one stream, valid for --ttl")
@Service
public final class StreamShareCommand implements Action {
    @Argument(index = 0, name = "stream", description = "The stream to share", required = true)
    private String stream;

    @Option(name = "--ttl", aliases = "-t", description = "How long the link works: 30s, 10m, 2h, 7d")
    private String ttl = "10m";

    /** Karaf parses options only before the first argument; this lets operators write them after it too. */
    @Argument(index = 1, name = "options", description = "'--ttl 2h' may also follow the stream name",
            multiValued = true)
    private List<String> trailing;

    @Reference(optional = true)
    private TokenIssuer issuer;

    @Reference
    private StreamRegistry registry;

    @Reference
    private ShellSettings settings;

    @Override
    public Object execute() {
        if (issuer == null) {
            throw new IllegalStateException("no token issuer is running: feature:install sightline-auth-jwt");
        }
        // Thrown errors are shown by Karaf as "Error executing command: <message>".
        Duration validFor = ShareLinks.parseTtl(ShareLinks.trailingTtl(trailing, ttl));
        if (registry.find(stream).isEmpty()) {
            System.err.println("Note: no stream named '" + stream + "' is defined yet; the link works once it is.");
        }
        String token = issuer.issue(stream, Set.of(io.sightline.api.auth.Action.READ), validFor, "share-link");
        System.out.println(ShareLinks.playerUrl(settings.publicUrl(), stream, token));
        return null;
    }
}
