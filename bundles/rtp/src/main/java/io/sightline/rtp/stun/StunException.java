package io.sightline.rtp.stun;

/** A datagram that claims to be STUN but is malformed: truncated, badly framed, or with an invalid attribute. */
public final class StunException extends Exception {

    private static final long serialVersionUID = 1L;

    public StunException(String message) {
        super(message);
    }
}
