package io.sightline.sfu.internal.dtls;

import io.sightline.rtp.dtls.DtlsCertificate;
import io.sightline.rtp.sdp.Fingerprint;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS-SRTP side shared by all sessions: one certificate (advertised as {@code a=fingerprint}), BouncyCastle's
 * lightweight crypto and a small pool of workers that run handshakes off the network thread.
 */
public final class DtlsServer implements AutoCloseable {

    private final DtlsCertificate certificate;
    private final BcTlsCrypto crypto;
    private final int handshakeTimeoutMillis;
    private final ExecutorService workers;

    /**
     * @param workerThreads handshakes that can run at once (each waits on its peer, so a few cover many viewers)
     * @param handshakeTimeout how long a handshake may take from its first record
     */
    public DtlsServer(int workerThreads, Duration handshakeTimeout) {
        this(DtlsCertificate.generate(new SecureRandom()), workerThreads, handshakeTimeout);
    }

    public DtlsServer(DtlsCertificate certificate, int workerThreads, Duration handshakeTimeout) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.crypto = new BcTlsCrypto(new SecureRandom());
        long millis = handshakeTimeout.toMillis();
        if (millis <= 0 || millis > Integer.MAX_VALUE || workerThreads <= 0) {
            throw new IllegalArgumentException("handshakeTimeout and workerThreads must be positive");
        }
        this.handshakeTimeoutMillis = (int) millis;
        AtomicInteger counter = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "sightline-dtls-" + counter.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
    }

    public DtlsCertificate certificate() {
        return certificate;
    }

    /** This server's fingerprint for SDP: {@code fingerprint().toSdp()} gives {@code sha-256 AB:CD:...}. */
    public Fingerprint fingerprint() {
        return certificate.fingerprint();
    }

    /**
     * A new association for one viewer.
     *
     * @param remoteFingerprint the {@code a=fingerprint} of the viewer's offer; its certificate must match
     * @param sender where records go, normally {@code iceSession::send}
     * @param listener told about the handshake outcome and the peer's close
     */
    public DtlsSession newSession(Fingerprint remoteFingerprint, PacketSender sender, DtlsListener listener) {
        return new DtlsSession(this, workers, Objects.requireNonNull(remoteFingerprint, "remoteFingerprint"),
                Objects.requireNonNull(sender, "sender"), Objects.requireNonNull(listener, "listener"));
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    int handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** Stops the workers; running handshakes are interrupted and fail. */
    @Override
    public void close() {
        workers.shutdownNow();
    }
}
