package io.sightline.sfu.internal.dtls;

/** Outcome of one {@link DtlsSession}; called on a DTLS worker thread, at most one of the first two. */
public interface DtlsListener {

    /** The handshake finished and the peer's certificate matched its SDP fingerprint. */
    void onHandshakeComplete(DtlsSession session, DtlsSrtpKeys keys);

    /** The handshake failed: timeout, wrong fingerprint, no common SRTP profile or cipher suite, bad records. */
    void onHandshakeFailed(DtlsSession session, Exception cause);

    /** The peer ended an established association (close_notify or a fatal alert). */
    default void onClosed(DtlsSession session) {
    }
}
