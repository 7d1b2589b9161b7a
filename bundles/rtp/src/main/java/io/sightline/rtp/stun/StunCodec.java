package io.sightline.rtp.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Shared STUN primitives: the header constants, HMAC-SHA1 and CRC-32 helpers, XOR address coding. */
final class StunCodec {

    static final int HEADER_LENGTH = 20;
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int TRANSACTION_ID_LENGTH = 12;
    static final int INTEGRITY_LENGTH = 20;
    static final int FINGERPRINT_XOR = 0x5354554E;

    // Mac instances are not thread-safe; STUN runs on one receive thread plus the odd TCP reader.
    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is mandatory in every JRE", e);
        }
    });

    private StunCodec() {
    }

    /** The short-term credential key (RFC 8489 §9.1.1): the password's UTF-8 bytes (ICE passwords are ASCII). */
    static byte[] shortTermKey(String password) {
        return password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * HMAC-SHA1 over {@code msg[0..end)} with the header length field replaced by {@code lengthField},
     * as MESSAGE-INTEGRITY requires (RFC 8489 §14.5).
     */
    static byte[] hmacSha1(byte[] key, byte[] msg, int end, int lengthField) {
        Mac mac = HMAC_SHA1.get();
        try {
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        mac.update(msg, 0, 2);
        mac.update((byte) (lengthField >>> 8));
        mac.update((byte) lengthField);
        mac.update(msg, 4, end - 4);
        return mac.doFinal();
    }

    /** CRC-32 of {@code msg[0..end)} xor'ed with 0x5354554e (RFC 8489 §14.7). */
    static int fingerprint(byte[] msg, int end) {
        CRC32 crc = new CRC32();
        crc.update(msg, 0, end);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    static int readU16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int readInt(byte[] b, int off) {
        return (readU16(b, off) << 16) | readU16(b, off + 2);
    }

    static long readLong(byte[] b, int off) {
        return ((long) readInt(b, off) << 32) | (readInt(b, off + 4) & 0xFFFFFFFFL);
    }

    static void writeU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void writeInt(byte[] b, int off, int v) {
        writeU16(b, off, v >>> 16);
        writeU16(b, off + 2, v);
    }

    /** XOR-MAPPED-ADDRESS value (RFC 8489 §14.2); {@code header} holds the cookie and transaction id at 4..20. */
    static byte[] encodeXorAddress(InetSocketAddress address, byte[] header) {
        byte[] ip = address.getAddress().getAddress();
        byte[] value = new byte[4 + ip.length];
        value[1] = (byte) (ip.length == 4 ? 0x01 : 0x02);
        writeU16(value, 2, address.getPort() ^ (MAGIC_COOKIE >>> 16));
        for (int i = 0; i < ip.length; i++) {
            value[4 + i] = (byte) (ip[i] ^ header[4 + i]);
        }
        return value;
    }

    static InetSocketAddress decodeXorAddress(byte[] msg, int off, int len) throws StunException {
        if (len < 4) {
            throw new StunException("XOR-MAPPED-ADDRESS too short");
        }
        int family = msg[off + 1] & 0xFF;
        int ipLength = family == 0x01 ? 4 : family == 0x02 ? 16 : -1;
        if (ipLength < 0 || len != 4 + ipLength) {
            throw new StunException("XOR-MAPPED-ADDRESS has a bad family or length");
        }
        int port = readU16(msg, off + 2) ^ (MAGIC_COOKIE >>> 16);
        byte[] ip = new byte[ipLength];
        for (int i = 0; i < ipLength; i++) {
            ip[i] = (byte) (msg[off + 4 + i] ^ msg[4 + i]);
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new StunException("XOR-MAPPED-ADDRESS: " + e.getMessage());
        }
    }
}
