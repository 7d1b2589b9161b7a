package io.sightline.rtp.stun;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A parsed STUN message (RFC 8489 §5, §14). Parsing checks the framing only; integrity and fingerprint are
 * checked on demand with {@link #verifyMessageIntegrity(byte[])} and {@link #verifyFingerprint()}, because the
 * key is only known after the USERNAME has been read.
 *
 * <p>Only the attributes ICE needs have typed accessors; {@link #attribute(int)} returns any other.
 */
public final class StunMessage {

    /** Binding method (RFC 8489 §18.2). */
    public static final int METHOD_BINDING = 0x001;
    public static final int CLASS_REQUEST = 0b00;
    public static final int CLASS_INDICATION = 0b01;
    public static final int CLASS_SUCCESS = 0b10;
    public static final int CLASS_ERROR = 0b11;

    public static final int BINDING_REQUEST = type(METHOD_BINDING, CLASS_REQUEST);
    public static final int BINDING_INDICATION = type(METHOD_BINDING, CLASS_INDICATION);
    public static final int BINDING_SUCCESS = type(METHOD_BINDING, CLASS_SUCCESS);
    public static final int BINDING_ERROR = type(METHOD_BINDING, CLASS_ERROR);

    private static final int MAX_ATTRIBUTES = 64;

    private final byte[] bytes;
    /** Pairs of (attribute offset, attribute type) for attributes before MESSAGE-INTEGRITY, in order. */
    private final int[] attributeOffsets;
    private final int attributeCount;
    private final int integrityOffset;
    private final int fingerprintOffset;

    private StunMessage(byte[] bytes, int[] attributeOffsets, int attributeCount, int integrityOffset,
            int fingerprintOffset) {
        this.bytes = bytes;
        this.attributeOffsets = attributeOffsets;
        this.attributeCount = attributeCount;
        this.integrityOffset = integrityOffset;
        this.fingerprintOffset = fingerprintOffset;
    }

    /** The 14-bit message type for a method and class (RFC 8489 §5, the interleaved bit layout). */
    public static int type(int method, int messageClass) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((messageClass & 0b01) << 4) | ((messageClass & 0b10) << 7);
    }

    /**
     * True when the bytes could be a STUN message: the first two bits are zero and the magic cookie is in place.
     * A cheap test for demultiplexing; {@link #parse} does the real checks.
     */
    public static boolean looksLikeStun(ByteBuffer data) {
        int p = data.position();
        return data.remaining() >= StunCodec.HEADER_LENGTH && (data.get(p) & 0xC0) == 0
                && data.getInt(p + 4) == StunCodec.MAGIC_COOKIE;
    }

    /** Parses the remaining bytes of {@code data} without moving its position. */
    public static StunMessage parse(ByteBuffer data) throws StunException {
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return parseOwned(copy);
    }

    /** Parses {@code len} bytes of {@code data} from {@code off}; the bytes are copied. */
    public static StunMessage parse(byte[] data, int off, int len) throws StunException {
        if (off < 0 || len < 0 || off > data.length - len) {
            throw new StunException("bad bounds");
        }
        return parseOwned(Arrays.copyOfRange(data, off, off + len));
    }

    private static StunMessage parseOwned(byte[] msg) throws StunException {
        if (msg.length < StunCodec.HEADER_LENGTH) {
            throw new StunException("shorter than a STUN header");
        }
        if ((msg[0] & 0xC0) != 0 || StunCodec.readInt(msg, 4) != StunCodec.MAGIC_COOKIE) {
            throw new StunException("not a STUN message (leading bits or magic cookie)");
        }
        int length = StunCodec.readU16(msg, 2);
        if (length % 4 != 0 || length != msg.length - StunCodec.HEADER_LENGTH) {
            throw new StunException("message length " + length + " does not match datagram of " + msg.length);
        }
        int[] offsets = new int[MAX_ATTRIBUTES];
        int count = 0;
        int integrity = -1;
        int fingerprint = -1;
        int pos = StunCodec.HEADER_LENGTH;
        while (pos < msg.length) {
            if (msg.length - pos < 4) {
                throw new StunException("truncated attribute header");
            }
            int attrType = StunCodec.readU16(msg, pos);
            int attrLength = StunCodec.readU16(msg, pos + 2);
            int padded = (attrLength + 3) & ~3;
            if (padded > msg.length - pos - 4) {
                throw new StunException("attribute 0x" + Integer.toHexString(attrType) + " overruns the message");
            }
            if (fingerprint >= 0) {
                throw new StunException("attribute after FINGERPRINT");
            }
            if (attrType == StunAttribute.FINGERPRINT) {
                if (attrLength != 4) {
                    throw new StunException("FINGERPRINT length " + attrLength);
                }
                fingerprint = pos;
            } else if (integrity >= 0) {
                // RFC 8489 §14.5: everything after MESSAGE-INTEGRITY but FINGERPRINT is ignored.
            } else if (attrType == StunAttribute.MESSAGE_INTEGRITY) {
                if (attrLength != StunCodec.INTEGRITY_LENGTH) {
                    throw new StunException("MESSAGE-INTEGRITY length " + attrLength);
                }
                integrity = pos;
            } else {
                if (count == MAX_ATTRIBUTES) {
                    throw new StunException("too many attributes");
                }
                offsets[count++] = pos;
            }
            pos += 4 + padded;
        }
        return new StunMessage(msg, offsets, count, integrity, fingerprint);
    }

    /** The 14-bit message type, e.g. {@link #BINDING_REQUEST}. */
    public int messageType() {
        return StunCodec.readU16(bytes, 0);
    }

    public int method() {
        int t = messageType();
        return (t & 0x000F) | ((t & 0x00E0) >>> 1) | ((t & 0x3E00) >>> 2);
    }

    public int messageClass() {
        int t = messageType();
        return ((t >>> 4) & 0b01) | ((t >>> 7) & 0b10);
    }

    public boolean isBindingRequest() {
        return messageType() == BINDING_REQUEST;
    }

    /** A copy of the 12-byte transaction id. */
    public byte[] transactionId() {
        return Arrays.copyOfRange(bytes, 8, StunCodec.HEADER_LENGTH);
    }

    /** The message as received (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The value of the first attribute of a type (before MESSAGE-INTEGRITY), or null. */
    public byte[] attribute(int attributeType) {
        int at = find(attributeType);
        return at < 0 ? null : Arrays.copyOfRange(bytes, at + 4, at + 4 + StunCodec.readU16(bytes, at + 2));
    }

    public boolean hasAttribute(int attributeType) {
        return find(attributeType) >= 0;
    }

    /** USERNAME as UTF-8, or null. */
    public String username() {
        return string(StunAttribute.USERNAME);
    }

    /** SOFTWARE as UTF-8, or null. */
    public String software() {
        return string(StunAttribute.SOFTWARE);
    }

    /** ICE PRIORITY (RFC 8445 §7.1.1), or -1 when absent or malformed. */
    public long priority() {
        int at = find(StunAttribute.PRIORITY);
        if (at < 0 || StunCodec.readU16(bytes, at + 2) != 4) {
            return -1;
        }
        return StunCodec.readInt(bytes, at + 4) & 0xFFFFFFFFL;
    }

    public boolean hasUseCandidate() {
        return hasAttribute(StunAttribute.USE_CANDIDATE);
    }

    public boolean hasIceControlling() {
        return hasAttribute(StunAttribute.ICE_CONTROLLING);
    }

    public boolean hasIceControlled() {
        return hasAttribute(StunAttribute.ICE_CONTROLLED);
    }

    /** The tie-breaker of ICE-CONTROLLING or ICE-CONTROLLED, whichever is present. */
    public long tieBreaker() throws StunException {
        int at = find(StunAttribute.ICE_CONTROLLING);
        if (at < 0) {
            at = find(StunAttribute.ICE_CONTROLLED);
        }
        if (at < 0 || StunCodec.readU16(bytes, at + 2) != 8) {
            throw new StunException("no valid ICE-CONTROLLING/ICE-CONTROLLED");
        }
        return StunCodec.readLong(bytes, at + 4);
    }

    /** XOR-MAPPED-ADDRESS, or null when absent. */
    public InetSocketAddress xorMappedAddress() throws StunException {
        int at = find(StunAttribute.XOR_MAPPED_ADDRESS);
        return at < 0 ? null : StunCodec.decodeXorAddress(bytes, at + 4, StunCodec.readU16(bytes, at + 2));
    }

    /** ERROR-CODE as a number (e.g. 401), or -1 when absent. */
    public int errorCode() throws StunException {
        int at = find(StunAttribute.ERROR_CODE);
        if (at < 0) {
            return -1;
        }
        if (StunCodec.readU16(bytes, at + 2) < 4) {
            throw new StunException("ERROR-CODE too short");
        }
        return (bytes[at + 6] & 0x07) * 100 + (bytes[at + 7] & 0xFF);
    }

    /** The ERROR-CODE reason phrase, or null. */
    public String errorReason() {
        int at = find(StunAttribute.ERROR_CODE);
        int length = at < 0 ? 0 : StunCodec.readU16(bytes, at + 2);
        return length < 4 ? null : new String(bytes, at + 8, length - 4, StandardCharsets.UTF_8);
    }

    public boolean hasMessageIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /** Checks MESSAGE-INTEGRITY with a short-term key (the ICE password's bytes); false when absent. */
    public boolean verifyMessageIntegrity(byte[] key) {
        if (integrityOffset < 0) {
            return false;
        }
        int end = integrityOffset + 4 + StunCodec.INTEGRITY_LENGTH;
        byte[] expected = StunCodec.hmacSha1(key, bytes, integrityOffset, end - StunCodec.HEADER_LENGTH);
        byte[] actual = Arrays.copyOfRange(bytes, integrityOffset + 4, end);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Checks FINGERPRINT; false when absent. */
    public boolean verifyFingerprint() {
        return fingerprintOffset >= 0
                && StunCodec.fingerprint(bytes, fingerprintOffset) == StunCodec.readInt(bytes, fingerprintOffset + 4);
    }

    private String string(int attributeType) {
        int at = find(attributeType);
        return at < 0 ? null : new String(bytes, at + 4, StunCodec.readU16(bytes, at + 2), StandardCharsets.UTF_8);
    }

    private int find(int attributeType) {
        for (int i = 0; i < attributeCount; i++) {
            if (StunCodec.readU16(bytes, attributeOffsets[i]) == attributeType) {
                return attributeOffsets[i];
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        // Only for (throttled) log lines: the USERNAME is whatever a stranger sent, so no control characters.
        String username = username();
        if (username != null) {
            username = username.substring(0, Math.min(64, username.length())).replaceAll("\\p{Cntrl}", "?");
        }
        return "StunMessage[type=0x" + Integer.toHexString(messageType()) + ", length=" + bytes.length
                + (username == null ? "" : ", username=" + username) + "]";
    }
}
