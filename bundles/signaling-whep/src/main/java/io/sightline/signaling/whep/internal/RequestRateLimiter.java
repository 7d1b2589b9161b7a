package io.sightline.signaling.whep.internal;

import io.sightline.endpoint.support.AddressRanges;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code ratePerSecond} requests per second, bursts up to {@code burst}.
 * Memory is bounded: at most {@code maxAddresses} buckets are kept; a bucket that has refilled completely carries
 * no state and is evicted when room is needed, and when every bucket is busy (a flood from many addresses) the
 * newcomers share one overflow bucket, so a spread-out flood is limited as a whole rather than growing the table.
 * IPv6 clients are keyed by their /64, the block one host usually controls.
 *
 * <p>One lock around a small map: each request does a few arithmetic operations under it.
 */
final class RequestRateLimiter {
    private static final String OVERFLOW = "(overflow)";

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedNanos = now;
        }
    }

    private final double ratePerSecond;
    private final double burst;
    private final int maxAddresses;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long lastSweepNanos;
    private boolean swept;

    /**
     * @param ratePerSecond sustained requests per second per address; 0 or less disables the limit
     * @param burst         requests an idle address may send at once (at least 1)
     * @param maxAddresses  most addresses tracked at once
     * @param nanoClock     monotonic time in nanoseconds ({@code System::nanoTime})
     */
    RequestRateLimiter(double ratePerSecond, double burst, int maxAddresses, LongSupplier nanoClock) {
        this.ratePerSecond = ratePerSecond;
        this.burst = Math.max(1, burst);
        this.maxAddresses = Math.max(1, maxAddresses);
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one token for this address.
     *
     * @return 0 when the request may proceed, otherwise the whole seconds to wait before a token is available
     */
    synchronized long acquire(String address) {
        if (ratePerSecond <= 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        String key = AddressRanges.clientKey(address);
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxAddresses && !evictIdle(now)) {
                key = OVERFLOW;
                b = buckets.get(OVERFLOW);
            }
            if (b == null) {
                b = new Bucket(burst, now);
                buckets.put(key, b);
            }
        }
        refill(b, now);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b.tokens) / ratePerSecond));
    }

    /** Addresses currently tracked (for tests and the log). */
    synchronized int trackedAddresses() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        double elapsed = (now - b.updatedNanos) / 1e9;
        b.tokens = Math.min(burst, b.tokens + elapsed * ratePerSecond);
        b.updatedNanos = now;
    }

    /** Drops every bucket that has refilled completely; whether any room was made. */
    private boolean evictIdle(long now) {
        // A sweep walks the whole table: at most one a second, so a flood of new addresses cannot make each of its
        // requests cost a full walk.
        if (swept && now - lastSweepNanos < 1_000_000_000L) {
            return false;
        }
        swept = true;
        lastSweepNanos = now;
        boolean freed = false;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= burst) {
                it.remove();
                freed = true;
            }
        }
        return freed && buckets.size() < maxAddresses;
    }
}
