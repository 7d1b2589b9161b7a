package io.sightline.rtp.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one fingerprint type: parsed from an offer, written into an answer, checked against a certificate. */
class FingerprintTest {
    /** Not a certificate, but the check only hashes the bytes it is given. */
    private static final byte[] DER = "a DER certificate".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aCertificatesFingerprintMatchesItAndNoOtherAndSurvivesTheSdpRoundTrip() throws SdpException {
        Fingerprint own = Fingerprint.ofCertificate(DER);
        assertEquals("sha-256", own.algorithm());
        assertEquals(32 * 3 - 1, own.value().length());
        assertTrue(own.matches(DER));
        assertFalse(own.matches("another certificate".getBytes(StandardCharsets.US_ASCII)));

        Fingerprint parsed = Fingerprint.parse(own.toSdp().toLowerCase(), 7);
        assertEquals(own, parsed, "hash name lower case, hex upper case whatever the offer wrote");
        assertTrue(parsed.matches(DER));
    }

    @Test
    void everyRfc8122HashButTheBrokenOnesCanCheckACertificate() throws SdpException {
        Fingerprint sha1 = Fingerprint.parse("SHA-1 " + "AB:".repeat(19) + "AB", 1);
        assertEquals("sha-1", sha1.algorithm());
        assertTrue(sha1.hashSupported());
        assertFalse(sha1.matches(DER));
        Fingerprint md5 = Fingerprint.parse("md5 " + "AB:".repeat(15) + "AB", 1);
        assertFalse(md5.hashSupported());
        assertFalse(md5.matches(DER), "an unsupported hash matches nothing");
    }

    @Test
    void malformedValuesAreRefusedWithTheLine() {
        SdpException noHash = assertThrows(SdpException.class, () -> Fingerprint.parse("AB:CD", 4));
        assertTrue(noHash.getMessage().startsWith("line 4:"), noHash.getMessage());
        assertThrows(SdpException.class, () -> Fingerprint.parse("sha-256 zz", 4));
        assertThrows(SdpException.class, () -> Fingerprint.parse("sha-256 AB:CD", 4), "too short to bind anything");
        assertThrows(IllegalArgumentException.class, () -> Fingerprint.sha256(new byte[20]));
    }
}
