package io.sightline.sfu.internal.dtls;

import io.sightline.rtp.sdp.Fingerprint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer's DTLS-SRTP association, this side being the DTLS server (SDP {@code a=setup:passive}). The
 * handshake starts on the first record (or on {@link #start()}) and runs on the {@link DtlsServer}'s workers, never
 * on the ICE receive thread. After it, incoming records are still processed so that the peer's close_notify is
 * seen.
 */
public final class DtlsSession {

    /** Lifecycle, in order; CLOSED and FAILED are final. */
    public enum State { NEW, HANDSHAKING, CONNECTED, CLOSED, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(DtlsSession.class);

    private final DtlsServer owner;
    private final Executor executor;
    private final Fingerprint remoteFingerprint;
    private final DtlsListener listener;
    private final QueuedDatagramTransport transport;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final Object recordLock = new Object();
    private volatile DTLSTransport dtls;
    private volatile DtlsSrtpKeys keys;

    DtlsSession(DtlsServer owner, Executor executor, Fingerprint remoteFingerprint, PacketSender sender,
            DtlsListener listener) {
        this.owner = owner;
        this.executor = executor;
        this.remoteFingerprint = remoteFingerprint;
        this.listener = listener;
        this.transport = new QueuedDatagramTransport(sender);
    }

    public State state() {
        return state.get();
    }

    /** The negotiated keys once CONNECTED, else null. */
    public DtlsSrtpKeys keys() {
        return keys;
    }

    /**
     * Hands over one DTLS record from the ICE demultiplexer. Never blocks: the record is copied into a small
     * queue (dropped when full) and processed on a worker.
     */
    public void onDatagram(ByteBuffer record) {
        State s = state.get();
        if (s == State.CLOSED || s == State.FAILED) {
            return;
        }
        transport.offer(record);
        if (s == State.NEW) {
            start();
        } else if (s == State.CONNECTED) {
            scheduleDrain();
        }
    }

    /** Starts the handshake now (it waits for the ClientHello); otherwise the first record starts it. */
    public void start() {
        if (state.compareAndSet(State.NEW, State.HANDSHAKING)) {
            try {
                executor.execute(this::handshake);
            } catch (RejectedExecutionException e) {
                fail(e);
            }
        }
    }

    /** Ends the association, sending close_notify when established. No callback follows. */
    public void close() {
        State previous = state.getAndSet(State.CLOSED);
        if (previous == State.CONNECTED) {
            synchronized (recordLock) {
                try {
                    dtls.close();
                } catch (IOException e) {
                    LOG.debug("DTLS close", e);
                }
            }
        }
        transport.close();
    }

    private void handshake() {
        DtlsSrtpServer server = new DtlsSrtpServer(owner.crypto(), owner.certificate(), remoteFingerprint,
                owner.handshakeTimeoutMillis(), this::onCloseNotify);
        DTLSServerProtocol protocol = new DTLSServerProtocol();
        // ICE already proved the peer answers at its address, so the cookie exchange would add a round trip only.
        protocol.setVerifyRequests(false);
        try {
            DTLSTransport established = protocol.accept(server, transport);
            synchronized (recordLock) {
                dtls = established;
            }
            keys = server.keys();
            if (!state.compareAndSet(State.HANDSHAKING, State.CONNECTED)) {
                established.close();
                return;
            }
            listener.onHandshakeComplete(this, keys);
            scheduleDrain();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Exception cause) {
        transport.close();
        if (state.compareAndSet(State.HANDSHAKING, State.FAILED)) {
            LOG.debug("DTLS handshake failed: {}", cause.toString());
            listener.onHandshakeFailed(this, cause);
        }
    }

    private void scheduleDrain() {
        if (transport.hasPending() && draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
            }
        }
    }

    /** Feeds queued records through the record layer: alerts, retransmitted flights, (unsupported) app data. */
    private void drain() {
        byte[] buf = new byte[QueuedDatagramTransport.RECEIVE_LIMIT];
        try {
            synchronized (recordLock) {
                while (state.get() == State.CONNECTED && transport.hasPending()) {
                    // Application data would be SCTP (data channels), which this server does not offer: dropped.
                    dtls.receive(buf, 0, buf.length, 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            peerClosed("DTLS association ended: " + e);
        } finally {
            draining.set(false);
        }
        if (state.get() == State.CONNECTED) {
            scheduleDrain();
        }
    }

    private void onCloseNotify() {
        peerClosed("peer sent close_notify");
    }

    private void peerClosed(String why) {
        if (state.compareAndSet(State.CONNECTED, State.CLOSED)) {
            LOG.debug("{}", why);
            transport.close();
            listener.onClosed(this);
        }
    }
}
