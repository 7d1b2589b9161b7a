package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(S);

    private LoginThrottle throttle(int maxEntries) {
        return new LoginThrottle(5, 300, 900, maxEntries, now::get);
    }

    @Test
    void locksAfterTheFifthFailureAndDoublesUpToTheCap() {
        LoginThrottle t = throttle(100);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, t.failed("10.0.0.1", "admin").seconds());
            assertEquals(0, t.retryAfterSeconds("10.0.0.1", "admin"));
        }
        assertEquals(1, t.failed("10.0.0.1", "admin").seconds());
        assertEquals(1, t.retryAfterSeconds("10.0.0.1", "admin"));
        long[] expected = {2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
        for (long e : expected) {
            now.addAndGet(t.retryAfterSeconds("10.0.0.1", "admin") * S);
            assertEquals(0, t.retryAfterSeconds("10.0.0.1", "admin"));
            assertEquals(e, t.failed("10.0.0.1", "admin").seconds());
            assertEquals(e, t.retryAfterSeconds("10.0.0.1", "admin"));
        }
    }

    @Test
    void failuresOutsideTheWindowAreForgotten() {
        LoginThrottle t = throttle(100);
        for (int i = 0; i < 4; i++) {
            t.failed("10.0.0.1", null);
        }
        now.addAndGet(900 * S);
        assertEquals(0, t.failed("10.0.0.1", null).seconds(), "counting starts again");
    }

    @Test
    void successResetsTheAddressButNotTheUser() {
        LoginThrottle t = throttle(100);
        for (int i = 0; i < 4; i++) {
            t.failed("10.0.0.1", "admin");
        }
        t.succeeded("10.0.0.1");
        assertEquals(0, t.failed("10.0.0.1", "bob").seconds(), "address count restarted");
        assertEquals(1, t.failed("10.0.0.9", "admin").seconds(), "admin's fifth failure, from elsewhere");
    }

    @Test
    void aUserIsLockedAcrossAddressesWhateverTheCase() {
        LoginThrottle t = throttle(100);
        for (int i = 0; i < 5; i++) {
            t.failed("10.0.0." + i, i % 2 == 0 ? "admin" : "ADMIN");
        }
        assertEquals(1, t.retryAfterSeconds("192.168.1.1", "Admin"));
        assertEquals(0, t.retryAfterSeconds("192.168.1.1", "other"), "another user from a fresh address");
        assertEquals(0, t.retryAfterSeconds("10.0.0.1", null), "no address reached five");
    }

    @Test
    void ipv6IsCountedPerSlash64() {
        LoginThrottle t = throttle(100);
        for (int i = 1; i <= 5; i++) {
            t.failed("2001:db8:1:2::" + i, null);
        }
        assertEquals(1, t.retryAfterSeconds("[2001:db8:1:2:ffff::1]", null));
        assertEquals(0, t.retryAfterSeconds("2001:db8:1:3::1", null));
        assertEquals("20010db800010002::/64", io.sightline.endpoint.support.AddressRanges.clientKey("2001:db8:1:2::9%eth0"));
        assertEquals("203.0.113.7", io.sightline.endpoint.support.AddressRanges.clientKey("203.0.113.7"));
    }

    @Test
    void memoryIsBoundedAndAFloodSharesTheOverflowEntry() {
        LoginThrottle t = throttle(50);
        for (int i = 0; i < 10_000; i++) {
            t.failed("10.1." + (i / 256) + "." + (i % 256), "user" + i);
        }
        assertTrue(t.trackedKeys() <= 2 * 50 + 2, "tracked " + t.trackedKeys());
        assertTrue(t.retryAfterSeconds("10.9.9.9", null) > 0, "newcomers are throttled as a whole");
        assertTrue(t.retryAfterSeconds("10.1.0.0", null) == 0, "a tracked address with one failure is not");

        now.addAndGet(1000 * S);
        t.failed("10.2.0.1", "late");
        assertEquals(2, t.trackedKeys(), "idle entries were swept when room was needed");
        assertEquals(0, t.retryAfterSeconds("10.9.9.9", null));
    }

    @Test
    void zeroFailuresTurnsItOff() {
        LoginThrottle t = new LoginThrottle(0, 300, 900, 10, now::get);
        for (int i = 0; i < 20; i++) {
            t.failed("10.0.0.1", "admin");
        }
        assertEquals(0, t.retryAfterSeconds("10.0.0.1", "admin"));
        assertEquals(0, t.trackedKeys());
    }
}
