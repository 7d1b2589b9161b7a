package io.sightline.rtp.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES_CM_128_HMAC_SHA1_80: AES-128 counter mode (RFC 3711 section 4.1.1) and HMAC-SHA1 truncated to 80 bits
 * (section 4.2.1). One Cipher and one Mac per key, re-initialised per packet with a new counter only.
 */
final class AesCmCipher implements PacketCipher {
    private static final int TAG = 10;

    private final Cipher rtpCtr;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final Mac rtpMac;
    private final Cipher rtcpCtr;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Mac rtcpMac;
    private final byte[] iv = new byte[16];
    private final byte[] digest = new byte[20];
    private final byte[] word = new byte[4];

    AesCmCipher(byte[] rtpKey, byte[] rtpSalt, byte[] rtpAuth, byte[] rtcpKey, byte[] rtcpSalt, byte[] rtcpAuth) {
        try {
            this.rtpCtr = Cipher.getInstance("AES/CTR/NoPadding");
            this.rtcpCtr = Cipher.getInstance("AES/CTR/NoPadding");
            this.rtpMac = Mac.getInstance("HmacSHA1");
            this.rtpMac.init(new SecretKeySpec(rtpAuth, "HmacSHA1"));
            this.rtcpMac = Mac.getInstance("HmacSHA1");
            this.rtcpMac.init(new SecretKeySpec(rtcpAuth, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR or HmacSHA1 unavailable", e);
        }
        this.rtpKey = new SecretKeySpec(rtpKey, "AES");
        this.rtcpKey = new SecretKeySpec(rtcpKey, "AES");
        this.rtpSalt = rtpSalt.clone();
        this.rtcpSalt = rtcpSalt.clone();
    }

    @Override
    public int protectRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index, byte[] out,
            int outOff) throws SrtpException {
        if (in != out || off != outOff) {
            System.arraycopy(in, off, out, outOff, headerLength);
        }
        crypt(rtpCtr, rtpKey, rtpSalt, ssrc, index, in, off + headerLength, len - headerLength, out,
                outOff + headerLength);
        tag(rtpMac, out, outOff, len, (int) (index >>> 16));
        System.arraycopy(digest, 0, out, outOff + len, TAG);
        return len + TAG;
    }

    @Override
    public int unprotectRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index, byte[] out,
            int outOff) throws SrtpException {
        int authenticated = len - TAG;
        tag(rtpMac, in, off, authenticated, (int) (index >>> 16));
        verify(in, off + authenticated);
        if (in != out || off != outOff) {
            System.arraycopy(in, off, out, outOff, headerLength);
        }
        crypt(rtpCtr, rtpKey, rtpSalt, ssrc, index, in, off + headerLength, authenticated - headerLength, out,
                outOff + headerLength);
        return authenticated;
    }

    @Override
    public int protectRtcp(byte[] in, int off, int len, int ssrc, int index, byte[] out, int outOff)
            throws SrtpException {
        if (in != out || off != outOff) {
            System.arraycopy(in, off, out, outOff, 8);
        }
        crypt(rtcpCtr, rtcpKey, rtcpSalt, ssrc, index, in, off + 8, len - 8, out, outOff + 8);
        int e = 0x80000000 | index;
        writeInt(out, outOff + len, e);
        rtcpMac.update(out, outOff, len + 4);
        doFinal(rtcpMac);
        System.arraycopy(digest, 0, out, outOff + len + 4, TAG);
        return len + 4 + TAG;
    }

    @Override
    public int unprotectRtcp(byte[] in, int off, int len, int ssrc, int index, boolean encrypted, byte[] out,
            int outOff) throws SrtpException {
        int authenticated = len - TAG;
        rtcpMac.update(in, off, authenticated);
        doFinal(rtcpMac);
        verify(in, off + authenticated);
        int rtcpLength = authenticated - 4;
        if (encrypted) {
            if (in != out || off != outOff) {
                System.arraycopy(in, off, out, outOff, 8);
            }
            crypt(rtcpCtr, rtcpKey, rtcpSalt, ssrc, index, in, off + 8, rtcpLength - 8, out, outOff + 8);
        } else if (in != out || off != outOff) {
            System.arraycopy(in, off, out, outOff, rtcpLength);
        }
        return rtcpLength;
    }

    /** IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), RFC 3711 section 4.1.1. */
    private void crypt(Cipher ctr, SecretKeySpec key, byte[] salt, int ssrc, long index, byte[] in, int off, int len,
            byte[] out, int outOff) throws SrtpException {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[13 - i] ^= (byte) (index >>> (8 * i));
        }
        try {
            ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            ctr.doFinal(in, off, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "AES-CTR failed: " + e.getMessage());
        }
    }

    /** HMAC-SHA1 over the packet and the 32-bit ROC (RFC 3711 section 4.2), into {@link #digest}. */
    private void tag(Mac mac, byte[] buf, int off, int len, int roc) throws SrtpException {
        mac.update(buf, off, len);
        writeInt(word, 0, roc);
        mac.update(word, 0, 4);
        doFinal(mac);
    }

    private void doFinal(Mac mac) throws SrtpException {
        try {
            mac.doFinal(digest, 0);
        } catch (GeneralSecurityException e) {
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "HMAC failed: " + e.getMessage());
        }
    }

    private void verify(byte[] buf, int tagOff) throws SrtpException {
        int diff = 0;
        // Constant time, so the tag cannot be guessed byte by byte from timing.
        for (int i = 0; i < TAG; i++) {
            diff |= digest[i] ^ buf[tagOff + i];
        }
        if (diff != 0) {
            throw new SrtpException(SrtpException.Reason.AUTHENTICATION_FAILED, "HMAC-SHA1 tag mismatch");
        }
    }

    static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

}
