package io.sightline.rtp.dtls;

import io.sightline.rtp.sdp.Fingerprint;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;

/**
 * A self-signed ECDSA P-256 certificate for DTLS-SRTP. WebRTC peers authenticate it by the fingerprint in the SDP
 * (RFC 8122), not by a CA, so one generated at start is enough. Shared by the SFU's DTLS server and the WHEP pull
 * source's DTLS client, which both present one (RFC 5763).
 */
public final class DtlsCertificate {

    /** Browsers ignore the validity of DTLS certificates; a year covers a long-running server anyway. */
    private static final Duration VALIDITY = Duration.ofDays(365);

    private final AsymmetricKeyParameter privateKey;
    private final byte[] encoded;
    private final Fingerprint fingerprint;

    private DtlsCertificate(AsymmetricKeyParameter privateKey, byte[] encoded) {
        this.privateKey = privateKey;
        this.encoded = encoded;
        this.fingerprint = Fingerprint.ofCertificate(encoded);
    }

    /** Generates a key pair and a self-signed certificate (CN=sightline). */
    public static DtlsCertificate generate(SecureRandom random) {
        X9ECParameters curve = ECNamedCurveTable.getByName("P-256");
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(
                new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, curve), random));
        AsymmetricCipherKeyPair keys = generator.generateKeyPair();
        try {
            X500Name name = new X500Name("CN=sightline");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name,
                    new BigInteger(63, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keys.getPublic()));
            AlgorithmIdentifier signature = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
            byte[] der = builder.build(new BcECContentSignerBuilder(signature, digest).build(keys.getPrivate()))
                    .getEncoded();
            return new DtlsCertificate(keys.getPrivate(), der);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the DTLS certificate", e);
        }
    }

    /** The SHA-256 fingerprint; {@code fingerprint().toSdp()} is the value of {@code a=fingerprint}. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** The DER encoding. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** TLS signing credentials for one handshake (ECDSA with SHA-256), server or client side alike. */
    public TlsCredentialedSigner signer(BcTlsCrypto crypto, TlsContext context) throws IOException {
        TlsCertificate tlsCertificate = crypto.createCertificate(encoded);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                new Certificate(new TlsCertificate[] {tlsCertificate}),
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }
}
