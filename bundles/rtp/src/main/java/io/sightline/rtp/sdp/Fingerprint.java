package io.sightline.rtp.sdp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A DTLS certificate fingerprint ({@code a=fingerprint}, RFC 8122 section 5): what the offer says the peer's
 * certificate hashes to, and what the answer says of ours. One type from the SDP parser to the DTLS handshake's
 * certificate check (RFC 8842 section 5.1), so nothing is converted through strings on the way.
 *
 * @param algorithm the hash function, lower case (e.g. {@code sha-256})
 * @param value     upper-case hex bytes separated by colons
 */
public record Fingerprint(String algorithm, String value) {

    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    /** A SHA-256 fingerprint from the raw 32-byte digest of the DER certificate. */
    public static Fingerprint sha256(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + digest.length);
        }
        return new Fingerprint("sha-256", HEX.formatHex(digest));
    }

    /** The SHA-256 fingerprint of a DER certificate (the hash WebRTC endpoints use, RFC 8827 section 6.5). */
    public static Fingerprint ofCertificate(byte[] der) {
        return sha256(digest("sha-256", der));
    }

    static Fingerprint parse(String value, int line) throws SdpException {
        int sp = value.indexOf(' ');
        if (sp <= 0) {
            throw new SdpException("line " + line + ": fingerprint needs '<hash> <hex>': " + value);
        }
        String hex = value.substring(sp + 1).trim();
        if (!hex.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){15,63}")) {
            throw new SdpException("line " + line + ": fingerprint value is not colon-separated hex: " + hex);
        }
        return new Fingerprint(value.substring(0, sp).toLowerCase(Locale.ROOT), hex.toUpperCase(Locale.ROOT));
    }

    /**
     * Whether the hash is one a certificate can be checked with: RFC 8122's sha-1, sha-224, sha-256, sha-384 and
     * sha-512 (md2 and md5 are listed there too, but are not collision resistant).
     */
    public boolean hashSupported() {
        return javaName(algorithm) != null;
    }

    /**
     * Whether a DER certificate has this fingerprint (compared in constant time).
     *
     * @return false also when the hash is not {@linkplain #hashSupported() supported} or the value is not hex
     */
    public boolean matches(byte[] der) {
        if (!hashSupported()) {
            return false;
        }
        byte[] expected;
        try {
            expected = HEX.parseHex(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(algorithm, der));
    }

    /** The {@code a=fingerprint:} value. */
    public String toSdp() {
        return algorithm + " " + value;
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(javaName(algorithm)).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JRE has " + algorithm, e);
        }
    }

    private static String javaName(String sdpHash) {
        return switch (sdpHash) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> null;
        };
    }
}
