package io.sightline.sfu.internal.ice;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One network interface of the host as candidate gathering sees it: a value, so the selection rules in
 * {@link HostCandidates} can be tested with any host layout.
 *
 * @param name      the interface name ({@code eth0}, {@code lo})
 * @param up        whether it is up
 * @param loopback  whether it is a loopback interface
 * @param addresses its addresses
 */
record HostInterface(String name, boolean up, boolean loopback, List<InetAddress> addresses) {

    HostInterface {
        addresses = List.copyOf(addresses);
    }

    /** The interfaces of this host now. */
    static List<HostInterface> current() throws SocketException {
        List<HostInterface> result = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            result.add(new HostInterface(nif.getName(), nif.isUp(), nif.isLoopback(),
                    Collections.list(nif.getInetAddresses())));
        }
        return result;
    }
}
