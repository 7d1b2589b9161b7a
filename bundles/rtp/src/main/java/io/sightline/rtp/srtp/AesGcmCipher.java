package io.sightline.rtp.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM (RFC 7714): 12-byte IVs from SSRC, ROC and sequence number (section 8.1) or SRTCP index
 * (section 9.1) XORed with the session salt; the RTP header, or the first 8 RTCP bytes plus E||index, are the AAD.
 */
final class AesGcmCipher implements PacketCipher {
    private static final int TAG = 16;

    private final Cipher rtpGcm;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final Cipher rtcpGcm;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final byte[] iv = new byte[12];
    private final byte[] word = new byte[4];

    AesGcmCipher(byte[] rtpKey, byte[] rtpSalt, byte[] rtcpKey, byte[] rtcpSalt) {
        try {
            this.rtpGcm = Cipher.getInstance("AES/GCM/NoPadding");
            this.rtcpGcm = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
        this.rtpKey = new SecretKeySpec(rtpKey, "AES");
        this.rtcpKey = new SecretKeySpec(rtcpKey, "AES");
        this.rtpSalt = rtpSalt.clone();
        this.rtcpSalt = rtcpSalt.clone();
    }

    @Override
    public int protectRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index, byte[] out,
            int outOff) throws SrtpException {
        rtpIv(ssrc, index);
        try {
            rtpGcm.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(TAG * 8, iv));
            rtpGcm.updateAAD(in, off, headerLength);
            if (in != out || off != outOff) {
                System.arraycopy(in, off, out, outOff, headerLength);
            }
            int n = rtpGcm.doFinal(in, off + headerLength, len - headerLength, out, outOff + headerLength);
            return headerLength + n;
        } catch (GeneralSecurityException e) {
            // Includes the JDK's refusal to encrypt twice with one IV: resending a packet must reuse its SRTP bytes.
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "AES-GCM failed: " + e.getMessage());
        }
    }

    @Override
    public int unprotectRtp(byte[] in, int off, int len, int headerLength, int ssrc, long index, byte[] out,
            int outOff) throws SrtpException {
        rtpIv(ssrc, index);
        try {
            rtpGcm.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(TAG * 8, iv));
            rtpGcm.updateAAD(in, off, headerLength);
            if (in != out || off != outOff) {
                System.arraycopy(in, off, out, outOff, headerLength);
            }
            int n = rtpGcm.doFinal(in, off + headerLength, len - headerLength, out, outOff + headerLength);
            return headerLength + n;
        } catch (AEADBadTagException e) {
            throw new SrtpException(SrtpException.Reason.AUTHENTICATION_FAILED, "AES-GCM tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "AES-GCM failed: " + e.getMessage());
        }
    }

    @Override
    public int protectRtcp(byte[] in, int off, int len, int ssrc, int index, byte[] out, int outOff)
            throws SrtpException {
        rtcpIv(ssrc, index);
        AesCmCipher.writeInt(word, 0, 0x80000000 | index);
        try {
            rtcpGcm.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(TAG * 8, iv));
            rtcpGcm.updateAAD(in, off, 8);
            rtcpGcm.updateAAD(word, 0, 4);
            if (in != out || off != outOff) {
                System.arraycopy(in, off, out, outOff, 8);
            }
            int n = rtcpGcm.doFinal(in, off + 8, len - 8, out, outOff + 8);
            System.arraycopy(word, 0, out, outOff + 8 + n, 4);
            return 8 + n + 4;
        } catch (GeneralSecurityException e) {
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "AES-GCM failed: " + e.getMessage());
        }
    }

    @Override
    public int unprotectRtcp(byte[] in, int off, int len, int ssrc, int index, boolean encrypted, byte[] out,
            int outOff) throws SrtpException {
        rtcpIv(ssrc, index);
        int body = len - 4; // without E||index; still holds the tag
        try {
            rtcpGcm.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(TAG * 8, iv));
            if (encrypted) {
                rtcpGcm.updateAAD(in, off, 8);
                rtcpGcm.updateAAD(in, off + body, 4);
                if (in != out || off != outOff) {
                    System.arraycopy(in, off, out, outOff, 8);
                }
                return 8 + rtcpGcm.doFinal(in, off + 8, body - 8, out, outOff + 8);
            }
            // E=0: the whole packet is authenticated only (RFC 7714 section 9.3); the "ciphertext" is the bare tag.
            int rtcpLength = body - TAG;
            rtcpGcm.updateAAD(in, off, rtcpLength);
            rtcpGcm.updateAAD(in, off + body, 4);
            rtcpGcm.doFinal(in, off + rtcpLength, TAG, word, 0);
            if (in != out || off != outOff) {
                System.arraycopy(in, off, out, outOff, rtcpLength);
            }
            return rtcpLength;
        } catch (AEADBadTagException e) {
            throw new SrtpException(SrtpException.Reason.AUTHENTICATION_FAILED, "AES-GCM tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new SrtpException(SrtpException.Reason.CANNOT_PROCESS, "AES-GCM failed: " + e.getMessage());
        }
    }

    /** IV = (00 00 || SSRC || ROC || SEQ) XOR salt (RFC 7714 section 8.1). */
    private void rtpIv(int ssrc, long index) {
        iv[0] = 0;
        iv[1] = 0;
        AesCmCipher.writeInt(iv, 2, ssrc);
        AesCmCipher.writeInt(iv, 6, (int) (index >>> 16));
        iv[10] = (byte) (index >>> 8);
        iv[11] = (byte) index;
        xorSalt(rtpSalt);
    }

    /** IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt (RFC 7714 section 9.1). */
    private void rtcpIv(int ssrc, int index) {
        iv[0] = 0;
        iv[1] = 0;
        AesCmCipher.writeInt(iv, 2, ssrc);
        iv[6] = 0;
        iv[7] = 0;
        AesCmCipher.writeInt(iv, 8, index & 0x7fffffff);
        xorSalt(rtcpSalt);
    }

    private void xorSalt(byte[] salt) {
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
    }
}
