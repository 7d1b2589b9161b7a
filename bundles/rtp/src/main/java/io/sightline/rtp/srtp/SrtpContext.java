package io.sightline.rtp.srtp;

import java.util.Objects;

/**
 * One direction of an SRTP session: the master key and salt of one sender, the session keys derived from them
 * (RFC 3711 section 4.3), and the per-SSRC state (rollover counter, SRTCP index, 64-packet replay windows).
 *
 * <p>Use one context to {@code protect} what this side sends and another, keyed with the peer's master key, to
 * {@code unprotect} what it receives ({@link SrtpSession} pairs them from DTLS keying material). All methods work on
 * caller-provided arrays and may run in place ({@code in == out}, same offset); the output needs room for
 * {@link SrtpProfile#rtpOverhead()} or {@link SrtpProfile#rtcpOverhead()} more bytes. The JCA Cipher and Mac
 * instances are created once and reused. Not thread-safe: each direction belongs to one thread at a time.
 */
public final class SrtpContext {
    private static final int MAX_SSRCS = 32;

    private final SrtpProfile profile;
    private final PacketCipher cipher;
    private final SsrcState[] states = new SsrcState[MAX_SSRCS];
    private int stateCount;
    private int nextEvicted;

    private SrtpContext(SrtpProfile profile, PacketCipher cipher) {
        this.profile = profile;
        this.cipher = cipher;
    }

    /** A context for the sender whose master key and salt are given (lengths as the profile says). */
    public static SrtpContext create(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        Objects.requireNonNull(profile, "profile");
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and a "
                    + profile.saltLength() + "-byte salt, got " + masterKey.length + " and " + masterSalt.length);
        }
        KeyDerivation kdf = new KeyDerivation(masterKey, masterSalt);
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (profile == SrtpProfile.AEAD_AES_128_GCM) {
            return new SrtpContext(profile, new AesGcmCipher(
                    kdf.derive(KeyDerivation.LABEL_RTP_ENCRYPTION, k), kdf.derive(KeyDerivation.LABEL_RTP_SALT, s),
                    kdf.derive(KeyDerivation.LABEL_RTCP_ENCRYPTION, k), kdf.derive(KeyDerivation.LABEL_RTCP_SALT, s)));
        }
        return new SrtpContext(profile, new AesCmCipher(
                kdf.derive(KeyDerivation.LABEL_RTP_ENCRYPTION, k), kdf.derive(KeyDerivation.LABEL_RTP_SALT, s),
                kdf.derive(KeyDerivation.LABEL_RTP_AUTH, 20),
                kdf.derive(KeyDerivation.LABEL_RTCP_ENCRYPTION, k), kdf.derive(KeyDerivation.LABEL_RTCP_SALT, s),
                kdf.derive(KeyDerivation.LABEL_RTCP_AUTH, 20)));
    }

    /** A context from session keys directly, bypassing key derivation (for test vectors given as session keys). */
    static SrtpContext withSessionKeys(SrtpProfile profile, PacketCipher cipher) {
        return new SrtpContext(profile, cipher);
    }

    /** The protection profile. */
    public SrtpProfile profile() {
        return profile;
    }

    /** Protects an RTP packet in place; {@code packet} needs {@link SrtpProfile#rtpOverhead()} spare bytes. */
    public int protectRtp(byte[] packet, int off, int len) throws SrtpException {
        return protectRtp(packet, off, len, packet, off);
    }

    /**
     * Protects the RTP packet {@code in[off, off+len)} into {@code out} at {@code outOff}.
     *
     * @return the SRTP packet length
     * @throws SrtpException if the packet is not RTP or does not fit into {@code out}
     */
    public int protectRtp(byte[] in, int off, int len, byte[] out, int outOff) throws SrtpException {
        int headerLength = rtpHeaderLength(in, off, len, 0);
        requireRoom(out, outOff, len + profile.rtpOverhead());
        int ssrc = readInt(in, off + 8);
        int seq = ((in[off + 2] & 0xff) << 8) | (in[off + 3] & 0xff);
        SsrcState state = state(ssrc, true);
        long index = state.estimateIndex(seq);
        int n = cipher.protectRtp(in, off, len, headerLength, ssrc, index, out, outOff);
        state.update(index);
        return n;
    }

    /** Unprotects an SRTP packet in place; returns the RTP length. */
    public int unprotectRtp(byte[] packet, int off, int len) throws SrtpException {
        return unprotectRtp(packet, off, len, packet, off);
    }

    /**
     * Verifies, replay-checks and decrypts the SRTP packet {@code in[off, off+len)} into {@code out}.
     *
     * @return the RTP packet length
     * @throws SrtpException if the packet is malformed, fails authentication or is a replay
     */
    public int unprotectRtp(byte[] in, int off, int len, byte[] out, int outOff) throws SrtpException {
        int headerLength = rtpHeaderLength(in, off, len, profile.tagLength());
        requireRoom(out, outOff, len - profile.tagLength());
        int ssrc = readInt(in, off + 8);
        int seq = ((in[off + 2] & 0xff) << 8) | (in[off + 3] & 0xff);
        SsrcState known = state(ssrc, false);
        SsrcState state = known != null ? known : new SsrcState(ssrc);
        long index = state.estimateIndex(seq);
        state.rtpWindow.check(index);
        int n = cipher.unprotectRtp(in, off, len, headerLength, ssrc, index, out, outOff);
        // Only an authenticated packet may create state or move the window, or forged packets could shift it.
        if (known == null) {
            state = insert(state);
        }
        state.rtpWindow.accept(index);
        state.update(index);
        return n;
    }

    /** Protects an RTCP compound packet in place; {@code packet} needs {@link SrtpProfile#rtcpOverhead()} spare bytes. */
    public int protectRtcp(byte[] packet, int off, int len) throws SrtpException {
        return protectRtcp(packet, off, len, packet, off);
    }

    /**
     * Encrypts and authenticates the RTCP compound packet {@code in[off, off+len)} into {@code out}, with the next
     * SRTCP index of its sender SSRC.
     *
     * @return the SRTCP packet length
     */
    public int protectRtcp(byte[] in, int off, int len, byte[] out, int outOff) throws SrtpException {
        requireRtcp(in, off, len, 0);
        requireRoom(out, outOff, len + profile.rtcpOverhead());
        int ssrc = readInt(in, off + 4);
        SsrcState state = state(ssrc, true);
        int index = state.nextRtcpIndex;
        int n = cipher.protectRtcp(in, off, len, ssrc, index, out, outOff);
        // The index is 31 bits (RFC 3711 section 3.4); the session must be re-keyed before it wraps.
        state.nextRtcpIndex = (index + 1) & 0x7fffffff;
        return n;
    }

    /** Unprotects an SRTCP packet in place; returns the RTCP length. */
    public int unprotectRtcp(byte[] packet, int off, int len) throws SrtpException {
        return unprotectRtcp(packet, off, len, packet, off);
    }

    /**
     * Verifies, replay-checks and (when its E flag says so) decrypts the SRTCP packet {@code in[off, off+len)}.
     *
     * @return the RTCP compound packet length
     */
    public int unprotectRtcp(byte[] in, int off, int len, byte[] out, int outOff) throws SrtpException {
        requireRtcp(in, off, len, profile.rtcpOverhead());
        requireRoom(out, outOff, len - profile.rtcpOverhead());
        int ssrc = readInt(in, off + 4);
        int trailerOff = profile == SrtpProfile.AEAD_AES_128_GCM ? len - 4 : len - profile.tagLength() - 4;
        int eIndex = readInt(in, off + trailerOff);
        boolean encrypted = eIndex < 0;
        int index = eIndex & 0x7fffffff;
        SsrcState known = state(ssrc, false);
        SsrcState state = known != null ? known : new SsrcState(ssrc);
        state.rtcpWindow.check(index);
        int n = cipher.unprotectRtcp(in, off, len, ssrc, index, encrypted, out, outOff);
        if (known == null) {
            state = insert(state);
        }
        state.rtcpWindow.accept(index);
        return n;
    }

    /** The rollover counter this context holds for an SSRC (0 when unknown). */
    public int rolloverCounter(int ssrc) {
        SsrcState s = state(ssrc, false);
        return s == null ? 0 : s.rollover();
    }

    private SsrcState state(int ssrc, boolean create) {
        for (int i = 0; i < stateCount; i++) {
            if (states[i].ssrc == ssrc) {
                return states[i];
            }
        }
        return create ? insert(new SsrcState(ssrc)) : null;
    }

    private SsrcState insert(SsrcState state) {
        if (stateCount < MAX_SSRCS) {
            states[stateCount++] = state;
        } else {
            // A viewer uses a handful of SSRCs; past the limit, recycle slots round robin rather than grow.
            states[nextEvicted] = state;
            nextEvicted = (nextEvicted + 1) % MAX_SSRCS;
        }
        return state;
    }

    /** Length of the RTP header including CSRCs and extension; checks the packet is RTP version 2. */
    static int rtpHeaderLength(byte[] b, int off, int len, int trailer) throws SrtpException {
        if (len < 12 + trailer || off < 0 || off + len > b.length) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "RTP packet too short: " + len + " bytes");
        }
        if ((b[off] & 0xc0) != 0x80) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "not RTP version 2");
        }
        int n = 12 + 4 * (b[off] & 0x0f);
        if ((b[off] & 0x10) != 0) {
            if (len < n + 4 + trailer) {
                throw new SrtpException(SrtpException.Reason.MALFORMED, "RTP extension header truncated");
            }
            n += 4 + 4 * (((b[off + n + 2] & 0xff) << 8) | (b[off + n + 3] & 0xff));
        }
        if (n > len - trailer) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "RTP header (" + n + " bytes) longer than packet");
        }
        return n;
    }

    private static void requireRtcp(byte[] b, int off, int len, int trailer) throws SrtpException {
        if (len < 8 + trailer || off < 0 || off + len > b.length) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "RTCP packet too short: " + len + " bytes");
        }
        if ((b[off] & 0xc0) != 0x80) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "not RTCP version 2");
        }
    }

    private static void requireRoom(byte[] out, int outOff, int needed) throws SrtpException {
        if (outOff < 0 || outOff + needed > out.length) {
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "output needs " + needed + " bytes at "
                    + outOff + ", array has " + out.length);
        }
    }

    static int readInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
