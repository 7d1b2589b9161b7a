package io.sightline.metrics.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One CIDR block ({@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}); a bare address is a block of one. Only literal
 * addresses are accepted, so matching never resolves a host name.
 */
final class AddressRange {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final byte[] network;
    private final int prefix;

    private AddressRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code address[/prefix]}.
     *
     * @throws IllegalArgumentException when it is not a literal IPv4 or IPv6 block
     */
    static AddressRange parse(String cidr) {
        String text = cidr.trim();
        int slash = text.indexOf('/');
        byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("not an IP address or CIDR block: " + cidr);
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + cidr, e);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix length out of range in " + cidr);
            }
        }
        return new AddressRange(address, prefix);
    }

    /** Whether this literal address (as a servlet container reports it) lies in the block; false for anything else. */
    boolean contains(String remoteAddress) {
        byte[] address = remoteAddress == null ? null : literal(remoteAddress);
        return address != null && contains(address);
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    /**
     * The bytes of a literal IPv4 or IPv6 address (brackets and a zone id allowed), or null. IPv4-mapped IPv6
     * addresses come back as IPv4, so {@code ::ffff:127.0.0.1} matches {@code 127.0.0.1/8}.
     */
    static byte[] literal(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        // Only literals reach InetAddress: a colon makes it IPv6 syntax, the pattern IPv4, so no lookup ever happens.
        if (!(s.indexOf(':') >= 0 || IPV4.matcher(s).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
