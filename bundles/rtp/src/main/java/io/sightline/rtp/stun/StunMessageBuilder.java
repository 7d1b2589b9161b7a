package io.sightline.rtp.stun;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Builds one STUN message. Attributes are appended in call order; {@link #addMessageIntegrity(byte[])} and
 * {@link #addFingerprint()} must come last, in that order (RFC 8489 §14.5, §14.7).
 */
public final class StunMessageBuilder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private byte[] buf = new byte[128];
    private int length = StunCodec.HEADER_LENGTH;
    private byte padding;
    private boolean fingerprinted;

    /** A message of {@code messageType} with the given 12-byte transaction id. */
    public StunMessageBuilder(int messageType, byte[] transactionId) {
        if (transactionId.length != StunCodec.TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes");
        }
        StunCodec.writeU16(buf, 0, messageType & 0x3FFF);
        StunCodec.writeInt(buf, 4, StunCodec.MAGIC_COOKIE);
        System.arraycopy(transactionId, 0, buf, 8, StunCodec.TRANSACTION_ID_LENGTH);
    }

    public static StunMessageBuilder bindingRequest() {
        return new StunMessageBuilder(StunMessage.BINDING_REQUEST, newTransactionId());
    }

    public static StunMessageBuilder bindingSuccess(byte[] transactionId) {
        return new StunMessageBuilder(StunMessage.BINDING_SUCCESS, transactionId);
    }

    public static StunMessageBuilder bindingError(byte[] transactionId) {
        return new StunMessageBuilder(StunMessage.BINDING_ERROR, transactionId);
    }

    public static byte[] newTransactionId() {
        byte[] id = new byte[StunCodec.TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return id;
    }

    /** The byte used to pad attribute values to 4 bytes (0 by default; RFC 5769's vectors use 0x20). */
    public StunMessageBuilder padding(byte value) {
        this.padding = value;
        return this;
    }

    public StunMessageBuilder addAttribute(int type, byte[] value) {
        return addAttribute(type, value, 0, value.length);
    }

    public StunMessageBuilder addUsername(String username) {
        return addAttribute(StunAttribute.USERNAME, username.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder addSoftware(String software) {
        return addAttribute(StunAttribute.SOFTWARE, software.getBytes(StandardCharsets.UTF_8));
    }

    public StunMessageBuilder addPriority(long priority) {
        byte[] v = new byte[4];
        StunCodec.writeInt(v, 0, (int) priority);
        return addAttribute(StunAttribute.PRIORITY, v);
    }

    public StunMessageBuilder addUseCandidate() {
        return addAttribute(StunAttribute.USE_CANDIDATE, new byte[0]);
    }

    public StunMessageBuilder addIceControlling(long tieBreaker) {
        return addAttribute(StunAttribute.ICE_CONTROLLING, longBytes(tieBreaker));
    }

    public StunMessageBuilder addIceControlled(long tieBreaker) {
        return addAttribute(StunAttribute.ICE_CONTROLLED, longBytes(tieBreaker));
    }

    public StunMessageBuilder addXorMappedAddress(InetSocketAddress address) {
        return addAttribute(StunAttribute.XOR_MAPPED_ADDRESS, StunCodec.encodeXorAddress(address, buf));
    }

    /** ERROR-CODE (RFC 8489 §14.8), e.g. 400 Bad Request, 401 Unauthorized, 487 Role Conflict. */
    public StunMessageBuilder addErrorCode(int code, String reason) {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("error code out of range: " + code);
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] v = Arrays.copyOf(new byte[] {0, 0, (byte) (code / 100), (byte) (code % 100)}, 4 + text.length);
        System.arraycopy(text, 0, v, 4, text.length);
        return addAttribute(StunAttribute.ERROR_CODE, v);
    }

    /** MESSAGE-INTEGRITY with a short-term key (the ICE password's bytes). */
    public StunMessageBuilder addMessageIntegrity(byte[] key) {
        checkNotFingerprinted();
        int at = length;
        int lengthField = at + 4 + StunCodec.INTEGRITY_LENGTH - StunCodec.HEADER_LENGTH;
        byte[] mac = StunCodec.hmacSha1(key, buf, at, lengthField);
        return addAttribute(StunAttribute.MESSAGE_INTEGRITY, mac);
    }

    /** Convenience for {@link #addMessageIntegrity(byte[])} with a password. */
    public StunMessageBuilder addMessageIntegrity(String password) {
        return addMessageIntegrity(StunCodec.shortTermKey(password));
    }

    public StunMessageBuilder addFingerprint() {
        checkNotFingerprinted();
        int at = length;
        // The CRC covers a header whose length already counts the FINGERPRINT attribute.
        StunCodec.writeU16(buf, 2, at + 8 - StunCodec.HEADER_LENGTH);
        byte[] v = new byte[4];
        StunCodec.writeInt(v, 0, StunCodec.fingerprint(buf, at));
        addAttribute(StunAttribute.FINGERPRINT, v);
        fingerprinted = true;
        return this;
    }

    /** The finished message. */
    public byte[] build() {
        StunCodec.writeU16(buf, 2, length - StunCodec.HEADER_LENGTH);
        return Arrays.copyOf(buf, length);
    }

    private StunMessageBuilder addAttribute(int type, byte[] value, int off, int len) {
        checkNotFingerprinted();
        int padded = (len + 3) & ~3;
        ensure(4 + padded);
        StunCodec.writeU16(buf, length, type);
        StunCodec.writeU16(buf, length + 2, len);
        System.arraycopy(value, off, buf, length + 4, len);
        Arrays.fill(buf, length + 4 + len, length + 4 + padded, padding);
        length += 4 + padded;
        return this;
    }

    private void checkNotFingerprinted() {
        if (fingerprinted) {
            throw new IllegalStateException("FINGERPRINT must be the last attribute");
        }
    }

    private void ensure(int extra) {
        if (length + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + extra));
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        StunCodec.writeInt(b, 0, (int) (v >>> 32));
        StunCodec.writeInt(b, 4, (int) v);
        return b;
    }
}
