package io.sightline.admin.api.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses an IP literal as servlet containers report it ({@code getRemoteAddr()}), without any DNS lookup. */
final class ClientAddress {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private ClientAddress() {
    }

    /** The address bytes (4 or 16), or null when the text is not an IP literal. */
    static byte[] literal(String address) {
        if (address == null) {
            return null;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        // Only literals reach InetAddress: a host name there would be resolved.
        if (a.isEmpty() || !LITERAL.matcher(a).matches() || (a.indexOf(':') < 0 && !IPV4.matcher(a).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
