package io.sightline.admin.api.internal;

import io.sightline.endpoint.support.AddressRanges;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts failed logins per client address (IPv6 per /64) and per user name, and refuses further attempts of a key
 * that failed {@code failuresBeforeDelay} times within {@code window}: the first lockout lasts one second, each
 * further failure after it doubles the lockout, up to {@code maxLockout}. Callers ask {@link #retryAfterSeconds}
 * before the realm login, so a refusal costs a map lookup and never a login.
 *
 * <p>A success resets the address only: resetting the user too would let an attacker spread over many addresses
 * get a fresh set of guesses at a user every time that user logs in (the console logs in every 2 s).
 *
 * <p>Memory is bounded: each table keeps at most {@code maxEntries} keys. An entry whose lockout has ended and whose
 * last failure is older than the window carries no state and is dropped when room is needed; when every entry is
 * busy (a flood from many addresses or over many names), newcomers share one overflow entry, so a spread-out flood
 * is throttled as a whole instead of growing the table. Only failures create entries. One lock: each request does a
 * few map operations under it.
 */
final class LoginThrottle {
    private static final String OVERFLOW = "(overflow)";
    private static final long SECOND = 1_000_000_000L;
    private static final int MAX_USER_KEY = 64;

    /** A lockout that a failure has just started (for the log); {@code seconds} is 0 when none started. */
    record Lockout(long seconds, int failures) {
        static final Lockout NONE = new Lockout(0, 0);
    }

    private static final class Entry {
        int failures;
        long lastFailureNanos;
        long lockedUntilNanos;
    }

    private final int failuresBeforeDelay;
    private final long maxLockoutNanos;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Table addresses;
    private final Table users;

    /**
     * @param failuresBeforeDelay failures within the window before attempts are refused; 0 or less disables
     * @param maxLockoutSeconds   longest single lockout (at least 1)
     * @param windowSeconds       a key's failures are forgotten this long after its last failure
     * @param maxEntries          most addresses, and most user names, tracked at once
     * @param nanoClock           monotonic time in nanoseconds ({@code System::nanoTime})
     */
    LoginThrottle(int failuresBeforeDelay, long maxLockoutSeconds, long windowSeconds, int maxEntries,
            LongSupplier nanoClock) {
        this.failuresBeforeDelay = failuresBeforeDelay;
        this.maxLockoutNanos = Math.max(1, maxLockoutSeconds) * SECOND;
        this.windowNanos = Math.max(1, windowSeconds) * SECOND;
        this.nanoClock = nanoClock;
        this.addresses = new Table(Math.max(1, maxEntries));
        this.users = new Table(Math.max(1, maxEntries));
    }

    /** Whole seconds until this address and user may try again; 0 when they may try now. */
    synchronized long retryAfterSeconds(String address, String user) {
        if (failuresBeforeDelay <= 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        long wait = Math.max(addresses.remainingNanos(AddressRanges.clientKey(address), now),
                user == null ? 0 : users.remainingNanos(userKey(user), now));
        return wait <= 0 ? 0 : Math.max(1, (wait + SECOND - 1) / SECOND);
    }

    /** Records a failed login of this address (and user, when the header named one). */
    synchronized Lockout failed(String address, String user) {
        if (failuresBeforeDelay <= 0) {
            return Lockout.NONE;
        }
        long now = nanoClock.getAsLong();
        Lockout a = addresses.fail(AddressRanges.clientKey(address), now);
        Lockout u = user == null ? Lockout.NONE : users.fail(userKey(user), now);
        return a.seconds() >= u.seconds() ? a : u;
    }

    /** A successful login from this address: its failures are forgotten. */
    synchronized void succeeded(String address) {
        addresses.entries.remove(AddressRanges.clientKey(address));
    }

    /** Addresses and user names tracked (for tests and the log). */
    synchronized int trackedKeys() {
        return addresses.entries.size() + users.entries.size();
    }

    /** Case-folded (LDAP realms ignore case) and cut short, so a long name cannot make an entry large. */
    static String userKey(String user) {
        String u = user.toLowerCase(Locale.ROOT);
        return "u:" + (u.length() > MAX_USER_KEY ? u.substring(0, MAX_USER_KEY) : u);
    }

    private long lockoutNanos(int failures) {
        // 2^30 s is far beyond any sensible cap, and 2^30 * 10^9 still fits a long.
        long seconds = 1L << Math.min(failures - failuresBeforeDelay, 30);
        return Math.min(maxLockoutNanos, seconds * SECOND);
    }

    /** One table of keys with its bound. */
    private final class Table {
        final Map<String, Entry> entries = new HashMap<>();
        private final int maxEntries;
        private long lastSweepNanos;
        private boolean swept;

        Table(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        long remainingNanos(String key, long now) {
            Entry e = entries.get(key);
            if (e == null && entries.size() >= maxEntries) {
                // A full table sent newcomers to the overflow entry: they are refused with it.
                e = entries.get(OVERFLOW);
            }
            return e == null ? 0 : e.lockedUntilNanos - now;
        }

        Lockout fail(String key, long now) {
            Entry e = entries.get(key);
            if (e == null) {
                if (entries.size() >= maxEntries && !evictIdle(now)) {
                    key = OVERFLOW;
                    e = entries.get(OVERFLOW);
                }
                if (e == null) {
                    e = new Entry();
                    entries.put(key, e);
                }
            }
            if (e.failures > 0 && now - e.lastFailureNanos >= windowNanos) {
                e.failures = 0;
            }
            e.failures++;
            e.lastFailureNanos = now;
            if (e.failures < failuresBeforeDelay) {
                return Lockout.NONE;
            }
            long lock = lockoutNanos(e.failures);
            e.lockedUntilNanos = now + lock;
            return new Lockout(lock / SECOND, e.failures);
        }

        /** Drops every entry that is neither locked nor within its window; whether room was made. */
        private boolean evictIdle(long now) {
            // A sweep walks the whole table: at most one a second, so a flood of new keys cannot make each of its
            // requests cost a full walk.
            if (swept && now - lastSweepNanos < SECOND) {
                return false;
            }
            swept = true;
            lastSweepNanos = now;
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
                Entry e = it.next();
                if (now - e.lockedUntilNanos >= 0 && now - e.lastFailureNanos >= windowNanos) {
                    it.remove();
                }
            }
            return entries.size() < maxEntries;
        }
    }
}
