package io.sightline.sfu.internal.ice;

import io.sightline.endpoint.support.AddressRanges;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * Digits and dots, or anything with a colon, is meant as an address ("eth0", "eth0.100" or "cafe" are names even
     * though they are hex-ish); {@link AddressRanges} then decides whether it is a valid one.
     */
    private static final Pattern ADDRESS = Pattern.compile("[0-9./]*\\.[0-9./]*|[0-9A-Fa-f:./%\\[\\]]*:[0-9A-Fa-f:./%\\[\\]]*");

    private final List<String> names;
    private final List<String> addresses;
    private final AddressRanges ranges;

    private InterfaceAllowList(List<String> names, List<String> addresses) {
        this.names = List.copyOf(names);
        this.addresses = List.copyOf(addresses);
        this.ranges = AddressRanges.parse(addresses);
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
        List<String> addresses = new ArrayList<>();
        for (String value : values) {
            if (value == null) {
                continue;
            }
            for (String entry : value.trim().split("[,\\s]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                if (ADDRESS.matcher(entry).matches()) {
                    addresses.add(entry);
                } else if (NAME.matcher(entry).matches()) {
                    names.add(entry);
                } else {
                    throw new IllegalArgumentException("'" + entry
                            + "' is not an interface name, an IP address or a CIDR block");
                }
            }
        }
        return names.isEmpty() && addresses.isEmpty() ? ANY : new InterfaceAllowList(names, addresses);
    }

    /** Whether the list is empty, i.e. allows every address. */
    public boolean isEmpty() {
        return names.isEmpty() && addresses.isEmpty();
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
        return !addresses.isEmpty() && ranges.contains(address.getHostAddress());
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "any";
        }
        List<String> parts = new ArrayList<>(names);
        parts.addAll(addresses);
        return String.join(", ", parts);
    }
}
