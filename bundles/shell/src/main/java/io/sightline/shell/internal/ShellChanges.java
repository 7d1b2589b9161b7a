package io.sightline.shell.internal;

import io.sightline.api.control.Actor;
import io.sightline.api.control.ChangeRefused;
import io.sightline.api.control.Problem;
import java.security.AccessController;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;

/** What the writing commands share: {@code key=value} arguments, the shell user, and how a refusal is shown. */
final class ShellChanges {
    private ShellChanges() {
    }

    /** {@code key=value} pairs in order; a value may be empty ("back to the default"). */
    static Map<String, String> pairs(List<String> args) {
        Map<String, String> m = new LinkedHashMap<>();
        if (args == null) {
            return m;
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + a + "'");
            }
            String key = a.substring(0, eq).trim();
            if (m.containsKey(key)) {
                throw new IllegalArgumentException(key + " is given twice");
            }
            m.put(key, a.substring(eq + 1).trim());
        }
        return m;
    }

    /** The user this shell session runs as (Karaf runs commands inside the session's JAAS subject). */
    @SuppressWarnings("removal")
    static Actor actor() {
        String user = System.getProperty("user.name", "karaf");
        try {
            Subject subject = Subject.getSubject(AccessController.getContext());
            if (subject != null) {
                for (Principal p : subject.getPrincipals()) {
                    if (p.getClass().getSimpleName().equals("UserPrincipal")) {
                        user = p.getName();
                    }
                }
            }
        } catch (UnsupportedOperationException | SecurityException e) {
            // Java versions without Subject.getSubject: keep the OS user.
        }
        return new Actor(user, "shell", "local");
    }

    /** Prints one line per problem, then fails the command with a summary (Karaf prints "Error executing ..."). */
    static RuntimeException refused(ChangeRefused e) {
        if (e.problems().size() > 1) {
            for (Problem p : e.problems()) {
                System.err.println("  " + (p.key().isEmpty() ? "" : p.key() + ": ") + p.message());
            }
        }
        return new IllegalArgumentException(e.reason().name().toLowerCase().replace('_', ' ') + ": " + e.getMessage()
                + " (nothing was changed)");
    }
}
