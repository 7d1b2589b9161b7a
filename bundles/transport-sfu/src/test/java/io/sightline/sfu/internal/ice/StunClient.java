package io.sightline.sfu.internal.ice;

import io.sightline.rtp.stun.StunMessage;
import io.sightline.rtp.stun.StunMessageBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** A minimal controlling ICE peer over a real UDP socket on loopback. */
final class StunClient implements AutoCloseable {

    final DatagramSocket socket;
    private final InetSocketAddress server;

    StunClient(InetSocketAddress server) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(300);
    }

    static byte[] bindingRequest(String username, String password, boolean useCandidate) {
        StunMessageBuilder b = StunMessageBuilder.bindingRequest().addUsername(username).addPriority(1853824767L)
                .addIceControlling(0x1234_5678_9ABCL);
        if (useCandidate) {
            b.addUseCandidate();
        }
        return b.addMessageIntegrity(password).addFingerprint().build();
    }

    void send(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, server));
    }

    /** The next datagram, or null after the socket timeout. */
    byte[] receive() throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    /** Sends a binding request and returns the parsed response, or null when none came. */
    StunMessage bind(String username, String password, boolean useCandidate) throws Exception {
        send(bindingRequest(username, password, useCandidate));
        byte[] response = receive();
        return response == null ? null : StunMessage.parse(response, 0, response.length);
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
