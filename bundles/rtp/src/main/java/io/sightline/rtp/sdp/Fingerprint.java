package io.sightline.rtp.sdp;

import java.util.Locale;

/**
 * A DTLS certificate fingerprint ({@code a=fingerprint}, RFC 8122 section 5).
 *
 * @param algorithm the hash function, lower case (e.g. {@code sha-256})
 * @param value     upper-case hex bytes separated by colons
 */
public record Fingerprint(String algorithm, String value) {

    /** A SHA-256 fingerprint from the raw 32-byte digest of the DER certificate. */
    public static Fingerprint sha256(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + digest.length);
        }
        StringBuilder sb = new StringBuilder(95);
        for (byte b : digest) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        return new Fingerprint("sha-256", sb.toString());
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

    /** The {@code a=fingerprint:} value. */
    public String toSdp() {
        return algorithm + " " + value;
    }
}
