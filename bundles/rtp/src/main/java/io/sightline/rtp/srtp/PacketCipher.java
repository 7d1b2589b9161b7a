package io.sightline.rtp.srtp;

/**
 * The per-profile cryptographic transform of SRTP and SRTCP packets, given session keys. The packet index bookkeeping
 * (ROC, SRTCP index, replay) lives in {@link SrtpContext}; this only encrypts, decrypts and authenticates.
 * Implementations reuse their JCA objects and are not thread-safe.
 */
interface PacketCipher {
    /**
     * Protects an RTP packet whose header is {@code headerLength} bytes long into {@code out}; returns the protected
     * length.
     */
    int protectRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index, byte[] out, int outOff)
            throws SrtpException;

    /** Verifies and decrypts an SRTP packet; returns the RTP length. */
    int unprotectRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index, byte[] out, int outOff)
            throws SrtpException;

    /** Protects (encrypts, E=1) an RTCP compound packet with the given SRTCP index; returns the protected length. */
    int protectRtcp(byte[] in, int off, int len, int ssrc, int index, byte[] out, int outOff) throws SrtpException;

    /**
     * Verifies and, when {@code encrypted}, decrypts an SRTCP packet whose trailer says {@code index}; returns the
     * RTCP length.
     */
    int unprotectRtcp(byte[] in, int off, int len, int ssrc, int index, boolean encrypted, byte[] out, int outOff)
            throws SrtpException;
}
