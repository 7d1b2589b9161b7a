package io.sightline.sfu.internal.ice;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/** A remote UDP address reached through the shared socket. */
final class UdpPath implements IcePath {

    private final IceServer server;
    private final InetSocketAddress remote;

    UdpPath(IceServer server, InetSocketAddress remote) {
        this.server = server;
        this.remote = Objects.requireNonNull(remote);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String protocol() {
        return "udp";
    }

    @Override
    public boolean send(ByteBuffer packet) {
        return server.send(packet, remote);
    }

    @Override
    public String toString() {
        return "udp:" + remote;
    }
}
