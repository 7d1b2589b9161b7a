package io.sightline.admin.api.internal;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * Checks an HTTP Basic {@code Authorization} header against a JAAS realm (Karaf's {@code karaf} realm: users.properties
 * by default, LDAP or JDBC by configuring the realm) and requires a role. Passwords are never logged or kept: the
 * char array handed to the login module is wiped after the login.
 */
final class RealmAuthenticator {
    /** What the caller proved. */
    enum Outcome {
        /** A user of the realm with the required role. */
        ADMIN,
        /** A user of the realm without the role. */
        NO_ROLE,
        /** No, malformed or wrong credentials. */
        UNAUTHENTICATED
    }

    /** The outcome and the user name when one was proven (for the log). */
    record Result(Outcome outcome, String user) {
    }

    private final String realm;
    private final String role;
    private final String rolePrincipalClass;
    private final Configuration jaas;

    /**
     * @param jaas the JAAS configuration to use, or {@code null} for the JVM-wide one (Karaf installs its own, which
     *             serves the realms registered in OSGi)
     */
    RealmAuthenticator(String realm, String role, String rolePrincipalClass, Configuration jaas) {
        this.realm = realm;
        this.role = role;
        this.rolePrincipalClass = rolePrincipalClass;
        this.jaas = jaas;
    }

    Result authenticate(String authorization) {
        String decoded = decode(authorization);
        if (decoded == null) {
            return new Result(Outcome.UNAUTHENTICATED, null);
        }
        int colon = decoded.indexOf(':');
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        try {
            Subject subject = login(user, password);
            if (subject == null) {
                return new Result(Outcome.UNAUTHENTICATED, null);
            }
            return new Result(hasRole(subject) ? Outcome.ADMIN : Outcome.NO_ROLE, user);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** The user name a Basic header claims (not proven), or null when the header is missing or malformed. */
    static String claimedUser(String authorization) {
        String decoded = decode(authorization);
        return decoded == null ? null : decoded.substring(0, decoded.indexOf(':'));
    }

    /** {@code user:password} of a Basic header with a non-empty user, or null. */
    private static String decode(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return decoded.indexOf(':') > 0 ? decoded : null;
    }

    /** The logged-in subject, or null when the realm refuses. */
    private Subject login(String user, char[] password) {
        Subject subject = new Subject();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // LoginContext loads login module classes through the context class loader; under OSGi that must be a
        // bundle class loader (Karaf boot-delegates its JAAS proxy module to every bundle).
        thread.setContextClassLoader(RealmAuthenticator.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, subject, callbacks -> answer(callbacks, user, password),
                    jaas);
            context.login();
            return subject;
        } catch (LoginException e) {
            return null;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void answer(Callback[] callbacks, String user, char[] password)
            throws UnsupportedCallbackException {
        for (Callback c : callbacks) {
            if (c instanceof NameCallback n) {
                n.setName(user);
            } else if (c instanceof PasswordCallback p) {
                p.setPassword(password);
            } else {
                throw new UnsupportedCallbackException(c);
            }
        }
    }

    private boolean hasRole(Subject subject) {
        for (Principal p : subject.getPrincipals()) {
            if (p.getClass().getName().equals(rolePrincipalClass) && role.equals(p.getName())) {
                return true;
            }
        }
        return false;
    }
}
