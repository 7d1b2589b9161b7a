package io.sightline.endpoint.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A list of addresses and CIDR blocks ({@code 127.0.0.1/8, ::1, 10.1.2.0/24, fd00::/8}), the value of a stream's
 * {@code access.public.from} or the metrics' {@code allow.from}. Only IP literals are accepted: a host name would make
 * every check a DNS lookup.
 */
public final class AddressRanges {
    /** Matches every address: the meaning of an empty list. */
    public static final AddressRanges ANY = new AddressRanges(List.of());
    /** Matches no address (a zero-length network never equals a 4- or 16-byte address): for failing closed. */
    public static final AddressRanges NONE = new AddressRanges(List.of(new Block(new byte[0], 0)));
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private record Block(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;

    private AddressRanges(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses a configuration value: a comma-separated string, a {@code String[]} or a collection of entries.
     *
     * @throws IllegalArgumentException when an entry is not an IP address or CIDR block
     */
    public static AddressRanges parse(Object value) {
        List<String> entries = new ArrayList<>();
        if (value instanceof String[] array) {
            for (String s : array) {
                split(s, entries);
            }
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> split(String.valueOf(o), entries));
        } else if (value != null) {
            split(value.toString(), entries);
        }
        List<Block> blocks = new ArrayList<>();
        for (String entry : entries) {
            blocks.add(block(entry));
        }
        return blocks.isEmpty() ? ANY : new AddressRanges(blocks);
    }

    /** Whether the address is in one of the blocks (always for an empty list; never for a malformed address). */
    public boolean contains(String address) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Block b : blocks) {
            if (b.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** Whether no block is listed (which {@link #contains} reads as "everyone"). */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    private static void split(String s, List<String> into) {
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                into.add(part.trim());
            }
        }
    }

    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        byte[] network = literal(host);
        if (network == null) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("'" + entry + "' has an invalid prefix length");
            }
        }
        return new Block(network, bits);
    }

    /** The address bytes of an IP literal (IPv4-mapped IPv6 folded to IPv4), or null; never a DNS lookup. */
    public static byte[] literal(String address) {
        if (address == null) {
            return null;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        if (a.isEmpty() || !LITERAL.matcher(a).matches() || (a.indexOf(':') < 0 && !a.matches("\\d+(\\.\\d+){3}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The key under which per-client limits count a caller: an IPv4 address as it is, an IPv6 address by its first
     * 64 bits (the block one host usually controls), anything else as given.
     */
    public static String clientKey(String address) {
        byte[] bytes = literal(address);
        if (bytes == null || bytes.length == 4) {
            return String.valueOf(address);
        }
        StringBuilder k = new StringBuilder(20);
        for (int i = 0; i < 8; i++) {
            k.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append(Character.forDigit(bytes[i] & 0xf, 16));
        }
        return k.append("::/64").toString();
    }
}
