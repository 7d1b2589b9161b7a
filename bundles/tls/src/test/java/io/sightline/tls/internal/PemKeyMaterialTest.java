package io.sightline.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM pairs as operators have them (RSA/EC, traditional/PKCS#8) become a PKCS#12 keystore; broken ones are refused. */
class PemKeyMaterialTest {
    @TempDir
    Path dir;

    static KeyPair keyPair(String algorithm) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize("RSA".equals(algorithm) ? 2048 : 256);
        return generator.generateKeyPair();
    }

    static X509Certificate selfSigned(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        String sigAlg = "RSA".equals(pair.getPrivate().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), name, pair.getPublic())
                .build(new JcaContentSignerBuilder(sigAlg).build(pair.getPrivate())));
    }

    Path pem(String file, Object... objects) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        Path path = dir.resolve(file);
        Files.writeString(path, out.toString());
        return path;
    }

    void assertKeystoreHolds(PemKeyMaterial material, KeyPair pair, X509Certificate cert) throws Exception {
        Path target = dir.resolve("out/keystore.p12");
        char[] password = "pw-123".toCharArray();
        material.writePkcs12(target, password);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(target)) {
            store.load(in, password);
        }
        // The stored key is the pair's: what it signs, the certificate's public key verifies.
        PrivateKey stored = (PrivateKey) store.getKey(PemKeyMaterial.ALIAS, password);
        String sigAlg = "RSA".equals(stored.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        Signature signer = Signature.getInstance(sigAlg);
        signer.initSign(stored);
        signer.update(new byte[] {1, 2, 3});
        Signature verifier = Signature.getInstance(sigAlg);
        verifier.initVerify(pair.getPublic());
        verifier.update(new byte[] {1, 2, 3});
        assertTrue(verifier.verify(signer.sign()));
        assertEquals(cert, store.getCertificate(PemKeyMaterial.ALIAS));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void rsaTraditionalKey() throws Exception {
        KeyPair pair = keyPair("RSA");
        X509Certificate cert = selfSigned(pair);
        Path key = pem("key.pem", pair);
        assertTrue(Files.readString(key).contains("BEGIN RSA PRIVATE KEY"));
        PemKeyMaterial material = PemKeyMaterial.read(pem("cert.pem", cert), key);
        assertKeystoreHolds(material, pair, cert);
        assertEquals(64, material.fingerprint().length());
    }

    @Test
    void ecPkcs8KeyAndChainWithIntermediate() throws Exception {
        KeyPair pair = keyPair("EC");
        X509Certificate cert = selfSigned(pair);
        X509Certificate intermediate = selfSigned(keyPair("EC"));
        Path key = pem("key.pem", new JcaPKCS8Generator(pair.getPrivate(), null));
        assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"));
        PemKeyMaterial material = PemKeyMaterial.read(pem("chain.pem", cert, intermediate), key);
        assertEquals(2, material.chain().size());
        assertKeystoreHolds(material, pair, cert);
    }

    @Test
    void ecTraditionalKey() throws Exception {
        KeyPair pair = keyPair("EC");
        X509Certificate cert = selfSigned(pair);
        // As 'openssl ecparam -genkey' writes it: an EC PARAMETERS block, then EC PRIVATE KEY naming its curve.
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
        ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(spki.getAlgorithm().getParameters());
        ECPrivateKey traditional = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) pair.getPrivate())
                .getS(), spki.getPublicKeyData(), curve);
        Path key = pem("key.pem", new PemObject("EC PARAMETERS", curve.getEncoded()),
                new PemObject("EC PRIVATE KEY", traditional.getEncoded()));
        assertKeystoreHolds(PemKeyMaterial.read(pem("cert.pem", cert), key), pair, cert);
    }

    @Test
    void ecKeyWorksWhenBouncyCastleIsARegisteredProvider() throws Exception {
        // In the distribution the SFU transport registers BouncyCastle, whose converters name EC keys "ECDSA".
        Security.insertProviderAt(new BouncyCastleProvider(), 1);
        try {
            KeyPair pair = keyPair("EC");
            X509Certificate cert = selfSigned(pair);
            PemKeyMaterial material = PemKeyMaterial.read(pem("cert.pem", cert), pem("key.pem",
                    new JcaPKCS8Generator(pair.getPrivate(), null)));
            assertEquals("EC", material.key().getAlgorithm());
            assertKeystoreHolds(material, pair, cert);
        } finally {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        X509Certificate cert = selfSigned(keyPair("RSA"));
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemKeyMaterial.read(pem("cert.pem", cert), pem("key.pem", keyPair("RSA"))));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        X509Certificate ecCert = selfSigned(keyPair("EC"));
        assertThrows(GeneralSecurityException.class,
                () -> PemKeyMaterial.read(pem("ec.pem", ecCert), pem("rsa-key.pem", keyPair("RSA"))));
    }

    @Test
    void encryptedKeyIsRefusedWithAHint() throws Exception {
        KeyPair pair = keyPair("RSA");
        X509Certificate cert = selfSigned(pair);
        Path key = pem("key.pem", new JcaPKCS8Generator(pair.getPrivate(),
                new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider()).setPassword("x".toCharArray())
                        .build()));
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class,
                () -> PemKeyMaterial.read(pem("cert.pem", cert), key));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void missingBlocksAreRefused() throws Exception {
        KeyPair pair = keyPair("RSA");
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "nothing here\n");
        assertThrows(GeneralSecurityException.class, () -> PemKeyMaterial.read(empty, pem("key.pem", pair)));
        assertThrows(GeneralSecurityException.class, () -> PemKeyMaterial.read(pem("cert.pem", selfSigned(pair)),
                empty));
    }

    @Test
    void passwordIsMadeOnceAndKeptPrivate() throws Exception {
        Path file = dir.resolve("tls/keystore.password");
        char[] first = OwnerOnlyFiles.loadOrCreatePassword(file);
        assertTrue(first.length >= 32);
        assertArrayEquals(first, OwnerOnlyFiles.loadOrCreatePassword(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
