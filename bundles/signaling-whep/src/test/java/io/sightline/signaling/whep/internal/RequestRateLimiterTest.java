package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsTheBurstThenTheRateAndSaysHowLongToWait() {
        RequestRateLimiter limiter = new RequestRateLimiter(2, 3, 100, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("10.0.0.1"));
        }
        assertEquals(1, limiter.acquire("10.0.0.1"));
        assertEquals(0, limiter.acquire("10.0.0.2"), "other addresses have their own bucket");
        now.addAndGet(500_000_000L); // half a second at 2/s: one token back
        assertEquals(0, limiter.acquire("10.0.0.1"));
        assertEquals(1, limiter.acquire("10.0.0.1"));
    }

    @Test
    void slowRatesAnnounceLongerWaits() {
        RequestRateLimiter limiter = new RequestRateLimiter(0.1, 1, 100, now::get);
        assertEquals(0, limiter.acquire("10.0.0.1"));
        assertEquals(10, limiter.acquire("10.0.0.1"));
    }

    @Test
    void zeroRateDisablesTheLimit() {
        RequestRateLimiter limiter = new RequestRateLimiter(0, 1, 1, now::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, limiter.acquire("10.0.0.1"));
        }
    }

    @Test
    void memoryStaysBoundedUnderAFloodOfAddressesAndIdleOnesAreEvicted() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, 2, 50, now::get);
        for (int i = 0; i < 10_000; i++) {
            limiter.acquire("10.0." + (i / 250) + "." + (i % 250));
        }
        assertTrue(limiter.trackedAddresses() <= 51, "table plus the overflow bucket: " + limiter.trackedAddresses());
        // The newcomers shared one bucket, so the flood as a whole was limited.
        assertTrue(limiter.acquire("10.200.0.1") > 0);
        now.addAndGet(10_000_000_000L); // everyone idle long enough to refill
        assertEquals(0, limiter.acquire("10.200.0.2"));
        assertTrue(limiter.trackedAddresses() <= 2, "idle buckets evicted: " + limiter.trackedAddresses());
    }

    @Test
    void ipv6ClientsCountPerSlash64() {
        RequestRateLimiter limiter = new RequestRateLimiter(1, 1, 100, now::get);
        assertEquals(0, limiter.acquire("2001:db8:1:2::1"));
        assertEquals(1, limiter.acquire("2001:db8:1:2:ffff::9"), "same /64, same bucket");
        assertEquals(0, limiter.acquire("2001:db8:1:3::1"));
        assertEquals("20010db800010002::/64", io.sightline.endpoint.support.AddressRanges.clientKey("2001:db8:1:2::1"));
    }
}
