package io.sightline.shell.internal;

import io.sightline.api.control.StreamCatalog;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code viewer:kick <id>}: ends one viewer session at once (its player will normally try again). */
@Command(scope = "viewer", name = "kick", description = "Ends a viewer session (see viewer:list for ids)")
@Service
public final class ViewerKickCommand implements Action {
    @Argument(index = 0, name = "id", description = "The session id", required = true)
    private String id;

    @Reference
    private SessionRegistry sessions;
    @Reference
    private StreamCatalog catalog;

    @Override
    public Object execute() {
        ViewerSession session = sessions.session(id)
                .orElseThrow(() -> new IllegalArgumentException("no viewer session '" + id + "'"));
        session.close();
        catalog.audit(ShellChanges.actor(), "kick", session.streamName() + " session " + id);
        System.out.println("Session " + id + " of " + session.streamName() + " ended");
        return null;
    }
}
