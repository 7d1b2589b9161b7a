package io.sightline.sfu.internal.ice;

import java.nio.ByteBuffer;

/**
 * Receives what the ICE server routes to one session. Packet callbacks run on the server's receive thread (or an
 * ICE-TCP reader thread): they must return quickly and never block. The buffer is only valid during the call;
 * copy what must be kept.
 */
public interface IceSessionListener {

    /** The remote peer nominated a path (USE-CANDIDATE) or the first path was validated; sending now uses it. */
    default void onPathSelected(IceSession session, IcePath path) {
    }

    /** A DTLS record (first byte 20..63, RFC 7983) from a validated path of this session. */
    default void onDtls(IceSession session, ByteBuffer datagram) {
    }

    /** An RTP packet (first byte 128..191, second byte outside 192..223) from this session. */
    default void onRtp(IceSession session, ByteBuffer packet) {
    }

    /** An RTCP packet (first byte 128..191, packet type 192..223, RFC 5761 §4) from this session; still SRTCP. */
    default void onRtcp(IceSession session, ByteBuffer packet) {
    }

    /** No valid binding request came within the consent timeout (RFC 7675); called once, from a timer thread. */
    default void onConsentExpired(IceSession session) {
    }
}
