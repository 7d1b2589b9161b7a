package io.sightline.admin.api.internal;

import io.sightline.endpoint.support.ThrottledLog;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who a request is, in the order that keeps guessing expensive and logins cheap: first the
 * {@link LoginThrottle} (a locked address or user name is refused without any realm login, and before the cache, so
 * the cache cannot be used to test passwords while locked out), then the {@link LoginCache}, then the realm. A
 * failure counts against the address and the claimed user name and drops that user's cached logins; an admin's
 * success clears the address's failures.
 */
final class LoginGuard {
    private static final Logger LOG = LoggerFactory.getLogger(LoginGuard.class);
    private static final int MAX_LOGGED_NAME = 64;

    /** The realm's answer, or a refusal: {@code retryAfterSeconds > 0} means 429 and no login was tried. */
    record Verdict(RealmAuthenticator.Result result, long retryAfterSeconds) {
        boolean throttled() {
            return retryAfterSeconds > 0;
        }
    }

    private final RealmAuthenticator realm;
    private final LoginThrottle throttle;
    private final LoginCache cache;
    private final ThrottledLog lockoutLog;

    LoginGuard(RealmAuthenticator realm, LoginThrottle throttle, LoginCache cache, LongSupplier nanoClock) {
        this.realm = realm;
        this.throttle = throttle;
        this.cache = cache;
        this.lockoutLog = new ThrottledLog(LOG, 10, 60_000_000_000L, nanoClock);
    }

    /** The guard a configuration describes, on the JVM's JAAS configuration and clock. */
    static LoginGuard of(AdminApiConfiguration c) {
        LongSupplier clock = System::nanoTime;
        return new LoginGuard(new RealmAuthenticator(c.jaas_realm(), c.admin_role(), c.role_principal_class(), null),
                new LoginThrottle(c.login_failures_before_delay(), c.login_lockout_max_seconds(),
                        c.login_failure_window_seconds(), c.login_throttle_max_entries(), clock),
                new LoginCache(c.login_cache_seconds(), 256, clock), clock);
    }

    Verdict check(String authorization, String address) {
        if (authorization == null) {
            // No attempt at all (a browser's first request): nothing to count, nothing to refuse.
            return new Verdict(realm.authenticate(null), 0);
        }
        String claimed = RealmAuthenticator.claimedUser(authorization);
        long wait = throttle.retryAfterSeconds(address, claimed);
        if (wait > 0) {
            return new Verdict(new RealmAuthenticator.Result(RealmAuthenticator.Outcome.UNAUTHENTICATED, null), wait);
        }
        String cached = cache.user(authorization);
        if (cached != null) {
            throttle.succeeded(address);
            return new Verdict(new RealmAuthenticator.Result(RealmAuthenticator.Outcome.ADMIN, cached), 0);
        }
        RealmAuthenticator.Result result = realm.authenticate(authorization);
        switch (result.outcome()) {
            case ADMIN -> {
                throttle.succeeded(address);
                cache.remember(authorization, result.user());
            }
            case UNAUTHENTICATED -> failed(address, claimed);
            default -> {
                // NO_ROLE: the password was right; neither a failure to count nor an admin to remember.
            }
        }
        return new Verdict(result, 0);
    }

    private void failed(String address, String claimed) {
        cache.forget(claimed);
        LoginThrottle.Lockout lockout = throttle.failed(address, claimed);
        if (lockout.seconds() > 0) {
            lockoutLog.warn("lockout", "admin API: {} failed logins from {} (user {}); refusing further attempts for {} s",
                    lockout.failures(), address, printable(claimed), lockout.seconds());
        }
    }

    /** A claimed user name as it may go into the log: no control characters (no forged lines), short. */
    static String printable(String user) {
        if (user == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(user.length(), MAX_LOGGED_NAME) + 2).append('"');
        for (int i = 0; i < user.length() && i < MAX_LOGGED_NAME; i++) {
            char c = user.charAt(i);
            b.append(Character.isISOControl(c) || c == '"' ? '?' : c);
        }
        return b.append(user.length() > MAX_LOGGED_NAME ? "...\"" : "\"").toString();
    }
}
