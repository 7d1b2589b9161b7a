package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginCacheTest {
    private static final long S = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(S);

    @Test
    void remembersAnExactHeaderForItsLifetime() {
        LoginCache c = new LoginCache(30, 8, now::get);
        assertNull(c.user("Basic YWRtaW46c2VjcmV0"), "miss before");
        c.remember("Basic YWRtaW46c2VjcmV0", "admin");
        assertEquals("admin", c.user("Basic YWRtaW46c2VjcmV0"));
        assertNull(c.user("Basic YWRtaW46c2VjcmV1"), "another header is a miss");
        now.addAndGet(29 * S);
        assertEquals("admin", c.user("Basic YWRtaW46c2VjcmV0"));
        now.addAndGet(S);
        assertNull(c.user("Basic YWRtaW46c2VjcmV0"), "expired");
        assertEquals(0, c.size());
    }

    @Test
    void forgettingAUserDropsAllItsHeadersOnly() {
        LoginCache c = new LoginCache(30, 8, now::get);
        c.remember("Basic a", "admin");
        c.remember("Basic b", "Admin");
        c.remember("Basic c", "ops");
        c.forget("ADMIN");
        assertNull(c.user("Basic a"));
        assertNull(c.user("Basic b"));
        assertEquals("ops", c.user("Basic c"));
    }

    @Test
    void isBoundedOldestFirst() {
        LoginCache c = new LoginCache(30, 3, now::get);
        for (int i = 0; i < 10; i++) {
            c.remember("Basic " + i, "u" + i);
        }
        assertEquals(3, c.size());
        assertNull(c.user("Basic 6"));
        assertEquals("u9", c.user("Basic 9"));
    }

    @Test
    void zeroSecondsTurnsItOff() {
        LoginCache c = new LoginCache(0, 8, now::get);
        c.remember("Basic a", "admin");
        assertNull(c.user("Basic a"));
        assertEquals(0, c.size());
    }
}
