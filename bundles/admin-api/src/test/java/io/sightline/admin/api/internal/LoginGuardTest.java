package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The guard over the real test login module: which requests reach the realm at all. */
class LoginGuardTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(S);
    private final LoginCache cache = new LoginCache(30, 16, now::get);
    private final LoginGuard guard = new LoginGuard(new RealmAuthenticator("karaf", "admin",
            TableLoginModule.Role.class.getName(), TableLoginModule.configuration()),
            new LoginThrottle(5, 300, 900, 100, now::get), cache, now::get);

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aUserLockedFromManyAddressesIsRefusedEverywhereWithoutALogin() {
        for (int i = 0; i < 5; i++) {
            assertFalse(guard.check(basic("admin:guess" + i), "10.0.0." + i).throttled());
        }
        int logins = TableLoginModule.LOGINS.get();
        LoginGuard.Verdict v = guard.check(basic("admin:secret"), "192.168.7.7");
        assertTrue(v.throttled());
        assertEquals(1, v.retryAfterSeconds());
        LoginGuard.Verdict other = guard.check(basic("viewer:nope"), "192.168.7.7");
        assertFalse(other.throttled(), "another user from that address may still try");
        assertEquals(RealmAuthenticator.Outcome.UNAUTHENTICATED, other.result().outcome());
        assertEquals(logins + 1, TableLoginModule.LOGINS.get(), "only the other user's attempt reached the realm");
    }

    @Test
    void theCacheIsConsultedOnlyAfterTheThrottleAndDroppedOnFailure() {
        String good = basic("admin:secret");
        int logins = TableLoginModule.LOGINS.get();
        assertEquals(RealmAuthenticator.Outcome.ADMIN, guard.check(good, "10.0.0.1").result().outcome());
        assertEquals(RealmAuthenticator.Outcome.ADMIN, guard.check(good, "10.0.0.1").result().outcome());
        assertEquals(logins + 1, TableLoginModule.LOGINS.get(), "second request was a cache hit");

        assertEquals(RealmAuthenticator.Outcome.UNAUTHENTICATED,
                guard.check(basic("admin:wrong"), "10.0.0.2").result().outcome());
        assertEquals(0, cache.size(), "a failure for admin invalidated admin's cached login");
        assertEquals(RealmAuthenticator.Outcome.ADMIN, guard.check(good, "10.0.0.1").result().outcome());
        assertEquals(logins + 3, TableLoginModule.LOGINS.get(), "miss after invalidation: a real login");

        for (int i = 0; i < 5; i++) {
            guard.check(basic("admin:guess" + i), "10.0.0.3");
        }
        assertTrue(guard.check(good, "10.0.0.1").throttled(), "locked user: even a cached header is refused");
    }

    @Test
    void noHeaderAndRightPasswordWithoutTheRoleAreNotFailures() {
        for (int i = 0; i < 10; i++) {
            assertEquals(RealmAuthenticator.Outcome.UNAUTHENTICATED, guard.check(null, "10.0.0.1").result().outcome());
            assertEquals(RealmAuthenticator.Outcome.NO_ROLE,
                    guard.check(basic("viewer:pw"), "10.0.0.1").result().outcome());
        }
        assertFalse(guard.check(basic("admin:secret"), "10.0.0.1").throttled());
    }

    @Test
    void logsUserNamesWithoutControlCharacters() {
        assertEquals("\"ad?min?\"", LoginGuard.printable("ad\nmin\""));
        assertEquals("-", LoginGuard.printable(null));
        assertTrue(LoginGuard.printable("x".repeat(500)).length() < 80);
    }
}
