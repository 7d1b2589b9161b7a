package io.sightline.sfu.internal.ice;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which of the host's addresses the SFU offers as candidates ({@code ice.interfaces}): interface names
 * ({@code eth0}, or a prefix with a trailing star, {@code enp*}), addresses ({@code 10.1.2.3}, {@code fd00::2}) and
 * CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}). An address is allowed when its interface or the address
 * itself matches an entry; an empty list allows every address (the host's default filters still apply then).
 *
 * <p>Only IP literals are accepted as addresses: a host name would make activation depend on DNS.
 */
public final class InterfaceAllowList {
    /** Allows everything: the meaning of an empty setting. */
    public static final InterfaceAllowList ANY = new InterfaceAllowList(List.of(), List.of());

    /** Linux interface names (IFNAMSIZ 16 with the terminator), optionally ending in {@code *}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}\\*?|\\*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

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
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<String> names;
    private final List<Block> blocks;

    private InterfaceAllowList(List<String> names, List<Block> blocks) {
        this.names = List.copyOf(names);
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Parses the setting's values, each of which may hold several entries separated by commas or spaces (a
     * {@code .cfg} file gives one string, the metatype an array).
     *
     * @throws IllegalArgumentException naming the first entry that is neither an interface name, an IP literal nor
     *                                  a CIDR block; nothing of the list is kept then
     */
    public static InterfaceAllowList parse(List<String> values) {
        List<String> names = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        for (String value : values) {
            if (value == null) {
                continue;
            }
            for (String entry : value.trim().split("[,\\s]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                Block block = block(entry);
                if (block != null) {
                    blocks.add(block);
                } else if (NAME.matcher(entry).matches()) {
                    names.add(entry);
                } else {
                    throw new IllegalArgumentException("'" + entry
                            + "' is not an interface name, an IP address or a CIDR block");
                }
            }
        }
        return names.isEmpty() && blocks.isEmpty() ? ANY : new InterfaceAllowList(names, blocks);
    }

    /** Whether the list is empty, i.e. allows every address. */
    public boolean isEmpty() {
        return names.isEmpty() && blocks.isEmpty();
    }

    /** Whether {@code address}, found on interface {@code interfaceName}, may be offered. */
    public boolean allows(String interfaceName, InetAddress address) {
        if (isEmpty()) {
            return true;
        }
        for (String name : names) {
            boolean prefix = name.endsWith("*");
            if (prefix ? interfaceName.startsWith(name.substring(0, name.length() - 1)) : interfaceName.equals(name)) {
                return true;
            }
        }
        byte[] bytes = address.getAddress();
        for (Block b : blocks) {
            if (b.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** An IP literal (a /32 or /128 block) or a CIDR block; {@code null} when the entry is neither. */
    private static Block block(String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        // Digits and dots must be a dotted quad, anything with a colon an IPv6 literal: InetAddress would look anything
        // else up in DNS. "eth0", "eth0.100" or "cafe" are names even though they are hex-ish.
        boolean numeric = host.matches("[0-9.]*\\.[0-9.]*");
        if (!numeric && !IPV6.matcher(host).matches()) {
            if (slash >= 0) {
                throw new IllegalArgumentException("'" + entry + "' is not a CIDR block");
            }
            return null;
        }
        if (numeric && !(IPV4.matcher(host).matches()
                && Arrays.stream(host.split("\\.")).allMatch(octet -> Integer.parseInt(octet) <= 255))) {
            throw new IllegalArgumentException("'" + entry + "' is not an IPv4 address");
        }
        byte[] network;
        try {
            network = InetAddress.getByName(host).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + entry + "' is not an IP address", e);
        }
        int bits = network.length * 8;
        if (slash >= 0) {
            String prefix = entry.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException("'" + entry + "' has no valid prefix length (0-" + bits + ")");
            }
            bits = Integer.parseInt(prefix);
        }
        return new Block(network, bits);
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "any";
        }
        List<String> parts = new ArrayList<>(names);
        for (Block b : blocks) {
            try {
                parts.add(InetAddress.getByAddress(b.network()).getHostAddress().toLowerCase(Locale.ROOT) + "/"
                        + b.prefixBits());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a 4- or 16-byte network is an address", e);
            }
        }
        return String.join(", ", parts);
    }
}
