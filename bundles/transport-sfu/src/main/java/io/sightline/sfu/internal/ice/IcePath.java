package io.sightline.sfu.internal.ice;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** A validated way to reach a remote peer: a UDP address on the shared socket, or one ICE-TCP connection. */
public interface IcePath {

    /** The remote transport address. */
    InetSocketAddress remoteAddress();

    /** {@code "udp"} or {@code "tcp"}. */
    String protocol();

    /**
     * Sends one packet (the buffer's remaining bytes) without blocking; the buffer's position is not kept.
     *
     * @return false when the packet was dropped (socket buffer full, connection closed)
     */
    boolean send(ByteBuffer packet);
}
