package io.sightline.sfu.internal.ice;

/**
 * Counters of the ICE server since it started.
 *
 * @param received datagrams and ICE-TCP frames received
 * @param bindingRequests valid binding requests answered
 * @param garbage packets that fit no RFC 7983 range or were malformed STUN
 * @param unknownAddress DTLS/RTP/RTCP from an address no session has validated
 * @param unknownUfrag binding requests naming no registered session
 * @param badCredentials binding requests failing MESSAGE-INTEGRITY or FINGERPRINT
 * @param sendDropped packets not sent because a socket buffer or queue was full or closed
 */
public record IceStats(long received, long bindingRequests, long garbage, long unknownAddress, long unknownUfrag,
        long badCredentials, long sendDropped) {
}
