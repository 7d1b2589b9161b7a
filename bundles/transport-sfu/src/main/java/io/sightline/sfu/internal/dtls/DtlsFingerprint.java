package io.sightline.sfu.internal.dtls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate fingerprint as carried by SDP {@code a=fingerprint} (RFC 8122 §5): a hash name and the digest,
 * e.g. {@code sha-256 AB:CD:...}.
 */
public final class DtlsFingerprint {

    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    private final String hashFunction;
    private final byte[] digest;

    private DtlsFingerprint(String hashFunction, byte[] digest) {
        this.hashFunction = hashFunction;
        this.digest = digest;
    }

    /** The SHA-256 fingerprint of a DER certificate. */
    public static DtlsFingerprint sha256Of(byte[] der) {
        return new DtlsFingerprint("sha-256", digest("sha-256", der));
    }

    /**
     * Parses the value of an SDP {@code a=fingerprint} attribute ({@code sha-256 AB:CD:..}; the hash names of
     * RFC 8122: sha-1, sha-224, sha-256, sha-384, sha-512).
     *
     * @throws IllegalArgumentException when it is malformed or names an unsupported hash
     */
    public static DtlsFingerprint parse(String sdpValue) {
        Objects.requireNonNull(sdpValue, "fingerprint");
        String[] parts = sdpValue.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected '<hash> <hex>': " + sdpValue);
        }
        String hash = parts[0].toLowerCase(Locale.ROOT);
        javaName(hash);
        byte[] digest;
        try {
            digest = HEX.parseHex(parts[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad fingerprint hex: " + sdpValue, e);
        }
        if (digest.length < 16) {
            throw new IllegalArgumentException("fingerprint too short: " + sdpValue);
        }
        return new DtlsFingerprint(hash, digest);
    }

    /** Whether a DER certificate has this fingerprint. */
    public boolean matches(byte[] der) {
        return MessageDigest.isEqual(digest, digest(hashFunction, der));
    }

    public String hashFunction() {
        return hashFunction;
    }

    /** The value for SDP: {@code sha-256 AB:CD:...}. */
    public String toSdp() {
        return hashFunction + " " + HEX.formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint f && f.hashFunction.equals(hashFunction)
                && MessageDigest.isEqual(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return hashFunction.hashCode() * 31 + java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return toSdp();
    }

    private static byte[] digest(String hash, byte[] data) {
        try {
            return MessageDigest.getInstance(javaName(hash)).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaName(String sdpHash) {
        switch (sdpHash) {
            case "sha-1": return "SHA-1";
            case "sha-224": return "SHA-224";
            case "sha-256": return "SHA-256";
            case "sha-384": return "SHA-384";
            case "sha-512": return "SHA-512";
            default: throw new IllegalArgumentException("unsupported fingerprint hash: " + sdpHash);
        }
    }
}
