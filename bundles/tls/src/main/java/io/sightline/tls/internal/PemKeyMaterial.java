package io.sightline.tls.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A private key and its certificate chain read from PEM files (RSA or EC; PKCS#8 {@code PRIVATE KEY} or the
 * traditional {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY}), written out as a PKCS#12 keystore for Jetty.
 *
 * @param key   the private key
 * @param chain the server certificate first, then any intermediates as given in the file
 */
record PemKeyMaterial(PrivateKey key, List<X509Certificate> chain) {
    /** The alias of the one entry in the keystores this writes. */
    static final String ALIAS = "sightline";

    PemKeyMaterial {
        chain = List.copyOf(chain);
    }

    /**
     * Reads and checks the pair: the file must hold a certificate, the key file an unencrypted key, and the key must
     * be the certificate's (checked by signing and verifying a probe with the JCA, not by comparing bytes).
     */
    static PemKeyMaterial read(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = readCertificates(certFile);
        if (chain.isEmpty()) {
            throw new CertificateException("no CERTIFICATE block in " + certFile);
        }
        PrivateKey key = readPrivateKey(keyFile);
        checkPair(key, chain.get(0));
        return new PemKeyMaterial(key, chain);
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        }
        return certificates;
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PEMKeyPair pair) {
                    // Only the private half: an EC PRIVATE KEY block may leave its optional public key out.
                    return toJdkKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return toJdkKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new GeneralSecurityException("the key in " + file + " is encrypted; store it unencrypted "
                            + "(openssl pkey -in enc.pem -out key.pem) with permissions 600");
                }
                // Other blocks (EC PARAMETERS, certificates) may share the file: skip them.
                if (!(o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters
                        || o instanceof X509CertificateHolder)) {
                    throw new GeneralSecurityException("unexpected PEM block " + o.getClass().getSimpleName()
                            + " in " + file);
                }
            }
        }
        throw new GeneralSecurityException("no PRIVATE KEY block in " + file);
    }

    /**
     * Builds the key with the JDK's own key factories: when BouncyCastle is registered as a JCA provider (the SFU
     * transport does that) its converter would hand out provider-specific keys named "ECDSA".
     */
    private static PrivateKey toJdkKey(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String algorithm;
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            algorithm = "RSA";
        } else if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            algorithm = "EC";
        } else {
            throw new GeneralSecurityException("unsupported key algorithm " + oid + " (RSA and EC are supported)");
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    private static void checkPair(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm()
                    + " (RSA and EC are supported)");
        };
        byte[] probe = "sightline key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        boolean matches;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (InvalidKeyException e) {
            matches = false; // An RSA certificate with an EC key, or the other way round.
        }
        if (!matches) {
            throw new GeneralSecurityException("the private key does not belong to the certificate "
                    + certificate.getSubjectX500Principal().getName());
        }
    }

    /** SHA-256 of the server certificate, hex: changes when the certificate is renewed. */
    String fingerprint() throws GeneralSecurityException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain.get(0).getEncoded()));
    }

    /** Writes a PKCS#12 keystore, replacing {@code target} atomically, readable by the owner only. */
    void writePkcs12(Path target, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, key, password, chain.toArray(new X509Certificate[0]));
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = OwnerOnlyFiles.createTemp(dir);
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                store.store(out, password);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
