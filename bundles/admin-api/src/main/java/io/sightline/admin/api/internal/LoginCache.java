package io.sightline.admin.api.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a short time, that an {@code Authorization} header value belonged to an admin, so a polling console
 * does not cost a realm login per request. Only a keyed hash of the header is kept (HMAC-SHA256 under a random key
 * that lives in this object only), never the header or the password: a heap dump does not give an offline-guessable
 * hash. Entries expire after {@code ttl}; a failed login for a user drops that user's entries at once. Bounded: at
 * most {@code maxEntries}, the oldest go first.
 */
final class LoginCache {
    private record Hit(String user, long expiresNanos) {
    }

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final SecretKeySpec key;
    private final Map<String, Hit> hits = new LinkedHashMap<>();

    /**
     * @param ttlSeconds how long a successful login is remembered; 0 or less disables the cache
     * @param maxEntries most headers remembered at once
     * @param nanoClock  monotonic time in nanoseconds
     */
    LoginCache(long ttlSeconds, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = Math.max(0, ttlSeconds) * 1_000_000_000L;
        this.maxEntries = Math.max(1, maxEntries);
        this.nanoClock = nanoClock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    boolean enabled() {
        return ttlNanos > 0;
    }

    /** The admin this header was proven to belong to within the ttl, or null. */
    String user(String authorization) {
        if (!enabled() || authorization == null) {
            return null;
        }
        String k = digest(authorization);
        long now = nanoClock.getAsLong();
        synchronized (hits) {
            Hit hit = hits.get(k);
            if (hit == null) {
                return null;
            }
            if (now - hit.expiresNanos() >= 0) {
                hits.remove(k);
                return null;
            }
            return hit.user();
        }
    }

    /** Remembers a header that the realm just accepted for an admin. */
    void remember(String authorization, String user) {
        if (!enabled()) {
            return;
        }
        String k = digest(authorization);
        long now = nanoClock.getAsLong();
        synchronized (hits) {
            hits.remove(k);
            if (hits.size() >= maxEntries) {
                hits.values().removeIf(h -> now - h.expiresNanos() >= 0);
            }
            if (hits.size() >= maxEntries) {
                Iterator<String> oldest = hits.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            // Insertion order is expiry order: re-inserting moves a renewed header to the end.
            hits.put(k, new Hit(user, now + ttlNanos));
        }
    }

    /** Forgets every header of this user (a failed login for it, maybe a changed password). */
    void forget(String user) {
        if (user == null) {
            return;
        }
        synchronized (hits) {
            hits.values().removeIf(h -> LoginThrottle.userKey(h.user()).equals(LoginThrottle.userKey(user)));
        }
    }

    /** Headers remembered (for tests). */
    int size() {
        synchronized (hits) {
            return hits.size();
        }
    }

    private String digest(String authorization) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(Objects.requireNonNull(authorization)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
