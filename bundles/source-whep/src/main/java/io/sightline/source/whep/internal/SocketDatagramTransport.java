package io.sightline.source.whep.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import org.bouncycastle.tls.DatagramTransport;

/**
 * BouncyCastle's view of the pull's UDP socket during the handshake: DTLS records (first byte 20-63, RFC 7983) are
 * handed up, STUN is given to the ICE agent (the peer may check us meanwhile), early media is dropped (no keys
 * yet; the sender's keyframe requests cover it).
 */
final class SocketDatagramTransport implements DatagramTransport {
    /** Keeps handshake flights below typical path MTUs. */
    static final int SEND_LIMIT = 1200;
    static final int RECEIVE_LIMIT = 4096;

    interface StunHandler {
        void stun(byte[] packet, int length) throws IOException;
    }

    private final DatagramSocket socket;
    private final StunHandler stun;
    private final byte[] buffer = new byte[RECEIVE_LIMIT];
    private final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);

    SocketDatagramTransport(DatagramSocket socket, StunHandler stun) {
        this.socket = socket;
        this.stun = stun;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + Math.max(1, waitMillis) * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return -1;
            }
            socket.setSoTimeout((int) left);
            packet.setData(buffer, 0, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            int first = buffer[0] & 0xff;
            if (first >= 20 && first <= 63) {
                int n = Math.min(len, packet.getLength());
                System.arraycopy(buffer, 0, buf, off, n);
                return n;
            }
            if (first <= 3) {
                stun.stun(buffer, packet.getLength());
            }
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        socket.send(new DatagramPacket(buf, off, len));
    }

    @Override
    public void close() {
        // The socket belongs to the source, which closes it after the DTLS close_notify.
    }
}
