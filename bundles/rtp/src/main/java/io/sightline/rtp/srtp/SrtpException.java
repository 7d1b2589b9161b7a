package io.sightline.rtp.srtp;

/**
 * A packet could not be protected or unprotected. Thrown per packet, so it carries no stack trace (the reason and
 * message say all there is to know, and filling a stack trace per dropped packet would cost more than the packet).
 */
public final class SrtpException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a packet was refused. */
    public enum Reason {
        /** Too short or not RTP/RTCP. */
        MALFORMED,
        /** The authentication tag did not verify: wrong key, or the packet was altered. */
        AUTHENTICATION_FAILED,
        /** The packet index was already received (RFC 3711 section 3.3.2). */
        REPLAYED,
        /** The packet index is older than the replay window. */
        TOO_OLD,
        /** The output array is too small, or the cipher refused the operation. */
        CANNOT_PROCESS
    }

    private final Reason reason;

    public SrtpException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** Why the packet was refused. */
    public Reason reason() {
        return reason;
    }
}
