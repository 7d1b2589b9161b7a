package io.sightline.admin.api.internal;

import java.security.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * A real JAAS login module over a fixed user table, in the shape of Karaf's users.properties module: user
 * {@code admin}/{@code secret} has role {@code admin}, {@code viewer}/{@code pw} has role {@code viewer}.
 */
public final class TableLoginModule implements LoginModule {
    /** Role principals, like Karaf's RolePrincipal. */
    public record Role(String getName) implements Principal {
    }

    /** Every login() call, so tests can tell whether the realm was asked at all. */
    static final AtomicInteger LOGINS = new AtomicInteger();

    private static final Map<String, String[]> USERS = Map.of("admin", new String[] {"secret", "admin"},
            "viewer", new String[] {"pw", "viewer"});

    private Subject subject;
    private CallbackHandler handler;
    private String user;

    /** A JAAS configuration with this module as the only one of every realm. */
    static Configuration configuration() {
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return name.equals("karaf") ? new AppConfigurationEntry[] {new AppConfigurationEntry(
                        TableLoginModule.class.getName(), AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                        Map.of())} : null;
            }
        };
    }

    @Override
    public void initialize(Subject s, CallbackHandler h, Map<String, ?> sharedState, Map<String, ?> options) {
        this.subject = s;
        this.handler = h;
    }

    @Override
    public boolean login() throws LoginException {
        LOGINS.incrementAndGet();
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException(e.getMessage());
        }
        String[] entry = USERS.get(name.getName());
        if (entry == null || !Arrays.equals(entry[0].toCharArray(), password.getPassword())) {
            throw new FailedLoginException("bad credentials");
        }
        user = name.getName();
        return true;
    }

    @Override
    public boolean commit() {
        subject.getPrincipals().add(new Role(USERS.get(user)[1]));
        return true;
    }

    @Override
    public boolean abort() {
        return true;
    }

    @Override
    public boolean logout() {
        return true;
    }
}
