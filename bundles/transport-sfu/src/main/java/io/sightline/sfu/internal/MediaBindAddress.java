package io.sightline.sfu.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address the SFU's media sockets bind to, which is then the one candidate it offers (besides
 * {@code public.address}): {@code bind.address} when set, otherwise the server's own {@code SIGHTLINE_BIND_ADDRESS}
 * (the HTTP bind address) when that names one address. A server started on 127.0.0.1 for local use or tests should
 * not offer its LAN addresses for media; the wildcard (empty, {@code 0.0.0.0}, {@code ::}) binds every interface.
 */
final class MediaBindAddress {
    /** The environment variable that also sets the HTTP bind address ({@code etc/org.ops4j.pax.web.cfg}). */
    static final String ENVIRONMENT = "SIGHTLINE_BIND_ADDRESS";

    private MediaBindAddress() {
    }

    /**
     * The address to bind, or {@code null} for the wildcard.
     *
     * @param configured  the SFU's {@code bind.address} (may be empty)
     * @param environment the value of {@code SIGHTLINE_BIND_ADDRESS}, or {@code null} when unset
     * @throws UnknownHostException when the chosen value is not an address (a host name is looked up once)
     */
    static InetAddress resolve(String configured, String environment) throws UnknownHostException {
        String value = configured != null && !configured.isBlank() ? configured.trim()
                : environment != null ? environment.trim() : "";
        if (value.isEmpty()) {
            return null;
        }
        InetAddress address = InetAddress.getByName(value);
        return address.isAnyLocalAddress() ? null : address;
    }
}
