package io.sightline.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.metrics.internal.ScrapeAccess.Decision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {
    private static final String[] DEFAULT = {"127.0.0.1/8", "::1"};

    @TempDir
    Path dir;

    @Test
    void defaultAllowsLoopbackOnly() {
        ScrapeAccess access = ScrapeAccess.of(DEFAULT, "");
        for (String a : new String[] {"127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "[::1]",
            "::ffff:127.0.0.1"}) {
            assertEquals(Decision.ALLOW, access.decide(a, null), a);
        }
        for (String a : new String[] {"10.0.0.1", "128.0.0.1", "192.168.1.20", "::2", "fe80::1", "::ffff:10.0.0.1",
            "localhost", "", "not an address", "1.2.3", "999.1.1.1"}) {
            assertEquals(Decision.FORBIDDEN, access.decide(a, null), a);
        }
        assertEquals(Decision.FORBIDDEN, access.decide(null, null));
    }

    @Test
    void cidrBlocksMatchOnTheirPrefixOnly() {
        io.sightline.endpoint.support.AddressRanges v4 = io.sightline.endpoint.support.AddressRanges.parse("192.168.10.0/23");
        assertTrue(v4.contains("192.168.10.1"));
        assertTrue(v4.contains("192.168.11.254"));
        assertFalse(v4.contains("192.168.12.0"));
        assertFalse(v4.contains("192.168.9.255"));
        assertFalse(v4.contains("::ffff:192.168.12.0"));
        io.sightline.endpoint.support.AddressRanges v6 = io.sightline.endpoint.support.AddressRanges.parse("fd00:1:2::/48");
        assertTrue(v6.contains("fd00:1:2:ffff::9"));
        assertFalse(v6.contains("fd00:1:3::1"));
        assertFalse(v6.contains("192.168.10.1"), "families never match each other");
        assertTrue(io.sightline.endpoint.support.AddressRanges.parse("0.0.0.0/0").contains("203.0.113.9"));
        assertFalse(io.sightline.endpoint.support.AddressRanges.parse("0.0.0.0/0").contains("2001:db8::1"));
        assertTrue(io.sightline.endpoint.support.AddressRanges.parse("203.0.113.9").contains("203.0.113.9"));
        assertFalse(io.sightline.endpoint.support.AddressRanges.parse("203.0.113.9").contains("203.0.113.8"));
        for (String bad : new String[] {"example.com", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/-1"}) {
            assertThrows(IllegalArgumentException.class, () -> io.sightline.endpoint.support.AddressRanges.parse(bad), bad);
        }
        // An empty entry is no range at all: with nothing else listed, nobody may scrape.
        assertEquals(Decision.FORBIDDEN, ScrapeAccess.of(new String[] {""}, null).decide("127.0.0.1", null));
    }

    @Test
    void badEntriesOnlyNarrowAccess() {
        ScrapeAccess access = ScrapeAccess.of(new String[] {"10.1.0.0/16, example.com,,bogus/8", "::1"}, null);
        assertEquals(Decision.ALLOW, access.decide("10.1.2.3", null));
        assertEquals(Decision.ALLOW, access.decide("::1", null));
        assertEquals(Decision.FORBIDDEN, access.decide("127.0.0.1", null));
        assertEquals(Decision.FORBIDDEN, ScrapeAccess.of(new String[0], null).decide("127.0.0.1", null));
    }

    @Test
    void aTokenFileAddsABearerCheckAfterTheAddressCheck() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "s3cret-token\n");
        ScrapeAccess access = ScrapeAccess.of(new String[] {"0.0.0.0/0"}, file.toString());
        assertTrue(access.needsToken());
        assertEquals(Decision.ALLOW, access.decide("203.0.113.5", "Bearer s3cret-token"));
        assertEquals(Decision.ALLOW, access.decide("203.0.113.5", "bearer s3cret-token"));
        assertEquals(Decision.UNAUTHORIZED, access.decide("203.0.113.5", null));
        assertEquals(Decision.UNAUTHORIZED, access.decide("203.0.113.5", "Bearer s3cret-toke"));
        assertEquals(Decision.UNAUTHORIZED, access.decide("203.0.113.5", "Bearer s3cret-token-and-more"));
        assertEquals(Decision.UNAUTHORIZED, access.decide("203.0.113.5", "Basic czNjcmV0LXRva2Vu"));
        assertEquals(Decision.UNAUTHORIZED, access.decide("203.0.113.5", "s3cret-token"));
        assertEquals(Decision.FORBIDDEN, access.decide("2001:db8::1", "Bearer s3cret-token"),
                "the right token does not open a closed address");
    }

    @Test
    void aRotatedTokenTakesEffectAndAnUnusableFileRefusesAll() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
        ScrapeAccess access = ScrapeAccess.of(DEFAULT, file.toString());
        assertEquals(Decision.ALLOW, access.decide("127.0.0.1", "Bearer first"));
        Files.writeString(file, "second");
        Files.setLastModifiedTime(file, FileTime.fromMillis(2_000_000));
        assertEquals(Decision.UNAUTHORIZED, access.decide("127.0.0.1", "Bearer first"));
        assertEquals(Decision.ALLOW, access.decide("127.0.0.1", "Bearer second"));
        Files.writeString(file, "  \n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(3_000_000));
        assertEquals(Decision.FORBIDDEN, access.decide("127.0.0.1", "Bearer second"), "empty file: fail closed");
        Files.delete(file);
        assertEquals(Decision.FORBIDDEN, access.decide("127.0.0.1", "Bearer second"), "missing file: fail closed");
        ScrapeAccess never = ScrapeAccess.of(DEFAULT, dir.resolve("absent").toString());
        assertEquals(Decision.FORBIDDEN, never.decide("127.0.0.1", "Bearer "));
        assertFalse(never.toString().contains("second"));
    }
}
