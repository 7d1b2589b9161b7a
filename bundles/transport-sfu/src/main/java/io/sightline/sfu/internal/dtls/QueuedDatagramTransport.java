package io.sightline.sfu.internal.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Adapts the ICE demultiplexer to BouncyCastle: incoming records are queued by the receive thread (bounded, the
 * excess is dropped like on a congested link, DTLS retransmits) and taken by the DTLS worker; outgoing records go
 * straight to the session's selected ICE path.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    /** Larger than any DTLS record a browser sends on a 1500-byte path. */
    static final int RECEIVE_LIMIT = 4096;
    /** Keeps handshake flights below typical path MTUs, with room for ICE-TCP or TURN overhead. */
    static final int SEND_LIMIT = 1200;
    private static final int QUEUE_RECORDS = 32;
    private static final long CLOSED_POLL_MILLIS = 100;

    private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(QUEUE_RECORDS);
    private final PacketSender sender;
    private volatile boolean closed;

    QueuedDatagramTransport(PacketSender sender) {
        this.sender = sender;
    }

    /** Called by the ICE receive thread; copies the record. */
    boolean offer(ByteBuffer record) {
        if (closed || record.remaining() > RECEIVE_LIMIT) {
            return false;
        }
        byte[] copy = new byte[record.remaining()];
        record.duplicate().get(copy);
        return incoming.offer(copy);
    }

    boolean hasPending() {
        return !incoming.isEmpty();
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
        try {
            byte[] record;
            if (waitMillis > 0) {
                checkOpen();
                record = incoming.poll(waitMillis, TimeUnit.MILLISECONDS);
            } else {
                // BouncyCastle's 0 means "no deadline"; wake up now and then to notice close().
                do {
                    checkOpen();
                    record = incoming.poll(CLOSED_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } while (record == null);
            }
            if (record == null) {
                return -1;
            }
            int n = Math.min(len, record.length);
            System.arraycopy(record, 0, buf, off, n);
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DTLS receive interrupted");
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        checkOpen();
        // A dropped record is like a lost one: the DTLS retransmission timer covers it.
        sender.send(ByteBuffer.wrap(buf, off, len));
    }

    @Override
    public void close() {
        closed = true;
        incoming.clear();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("DTLS transport closed");
        }
    }
}
