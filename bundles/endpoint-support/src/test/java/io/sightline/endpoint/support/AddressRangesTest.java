package io.sightline.endpoint.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressRangesTest {
    @Test
    void matchesIpv4AndIpv6BlocksAndSingleAddresses() {
        AddressRanges r = AddressRanges.parse("127.0.0.1/8, ::1, 10.1.2.0/23, fd00::/8");
        assertTrue(r.contains("127.255.0.3"));
        assertTrue(r.contains("::1"));
        assertTrue(r.contains("0:0:0:0:0:0:0:1"));
        assertTrue(r.contains("10.1.3.200"));
        assertFalse(r.contains("10.1.4.1"));
        assertTrue(r.contains("fd12:3456::1"));
        assertFalse(r.contains("fe80::1"));
        assertTrue(r.contains("::ffff:127.0.0.1"), "IPv4-mapped IPv6 is the IPv4 address");
        assertFalse(r.contains("not-an-address"));
        assertFalse(r.contains(null));
    }

    @Test
    void acceptsArraysAndListsAndTreatsEmptyAsEveryone() {
        assertTrue(AddressRanges.parse(new String[] {"192.168.0.0/16"}).contains("192.168.7.7"));
        assertTrue(AddressRanges.parse(List.of("192.168.0.0/16", "::1")).contains("::1"));
        assertTrue(AddressRanges.parse(null).contains("8.8.8.8"));
        assertTrue(AddressRanges.parse(" , ").contains("8.8.8.8"));
        assertFalse(AddressRanges.NONE.contains("127.0.0.1"));
    }

    @Test
    void rejectsHostNamesAndBadPrefixesWithoutALookup() {
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("1.2.3"));
    }

    @Test
    void clientKeysGroupAnIpv6HostsSlash64() {
        org.junit.jupiter.api.Assertions.assertEquals("203.0.113.9", AddressRanges.clientKey("203.0.113.9"));
        org.junit.jupiter.api.Assertions.assertEquals(AddressRanges.clientKey("2001:db8:1:2::1"),
                AddressRanges.clientKey("2001:db8:1:2:ffff::9"));
        org.junit.jupiter.api.Assertions.assertEquals("20010db800010002::/64", AddressRanges.clientKey("2001:db8:1:2::1"));
        org.junit.jupiter.api.Assertions.assertEquals("not-an-address", AddressRanges.clientKey("not-an-address"));
    }
}
