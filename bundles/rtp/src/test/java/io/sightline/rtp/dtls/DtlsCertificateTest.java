package io.sightline.rtp.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Date;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The certificate as a peer sees it, read by the JDK's own X.509 parser (not BouncyCastle, which wrote it): a
 * self-signed P-256 ECDSA certificate whose signature verifies with its own key, valid now, and whose SDP fingerprint
 * is the SHA-256 of exactly the DER it hands out. The handshake with its signer is covered end to end by the SFU's
 * {@code DtlsOverIceTest} and the WHEP pull source's tests, which use this class.
 */
class DtlsCertificateTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void aSelfSignedP256CertificateThatVerifiesWithItsOwnKey() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate(random);
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate.encoded()));
        assertEquals("CN=sightline", x509.getSubjectX500Principal().getName());
        assertEquals(x509.getSubjectX500Principal(), x509.getIssuerX500Principal(), "self-signed");
        assertEquals("SHA256withECDSA", x509.getSigAlgName());
        assertEquals(256, ((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        x509.verify(x509.getPublicKey()); // throws when the signature does not match
        x509.checkValidity(new Date());
        assertTrue(x509.getSerialNumber().signum() > 0, "a positive serial number");
    }

    @Test
    void theFingerprintIsTheSha256OfTheEncodedCertificate() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate(random);
        byte[] der = certificate.encoded();
        String hex = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(der));
        assertEquals("sha-256", certificate.fingerprint().algorithm());
        assertEquals(hex, certificate.fingerprint().value());
        assertTrue(certificate.fingerprint().matches(der));
        assertEquals("sha-256 " + hex, certificate.fingerprint().toSdp());
    }

    @Test
    void eachGenerationIsANewKeyAndTheEncodingIsACopy() {
        DtlsCertificate one = DtlsCertificate.generate(random);
        DtlsCertificate two = DtlsCertificate.generate(random);
        assertNotEquals(one.fingerprint(), two.fingerprint());
        byte[] der = one.encoded();
        der[0] ^= 0x7f;
        assertFalse(one.fingerprint().matches(der), "changed bytes no longer match");
        assertArrayEquals(one.encoded(), one.encoded());
        assertNotEquals(der[0], one.encoded()[0], "the caller's copy does not change the certificate");
    }
}
