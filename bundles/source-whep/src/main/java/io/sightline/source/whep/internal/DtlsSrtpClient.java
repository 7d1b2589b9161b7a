package io.sightline.source.whep.internal;

import io.sightline.rtp.dtls.DtlsCertificate;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's DTLS 1.2 client configured for WebRTC (RFC 8827): ECDHE-ECDSA AEAD suites, our self-signed
 * certificate for the server's certificate request, the server's certificate checked against the answer's
 * fingerprint (no CA: the fingerprint travelled over the authenticated HTTP exchange), use_srtp offering GCM then
 * AES-CM, and the SRTP keying material exported at the end.
 */
final class DtlsSrtpClient extends DefaultTlsClient {
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };
    private static final int[] OFFERED_PROFILES = {SrtpProfile.AEAD_AES_128_GCM.dtlsId(),
        SrtpProfile.AES_CM_128_HMAC_SHA1_80.dtlsId()};

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final Fingerprint expectedServer;
    private final int handshakeTimeoutMillis;
    private SrtpProfile profile;
    private volatile byte[] keyingMaterial;

    DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, Fingerprint expectedServer,
            int handshakeTimeoutMillis) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.expectedServer = expectedServer;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    SrtpProfile profile() {
        return profile;
    }

    /** The exported SRTP keying material once the handshake completed, else null. */
    byte[] keyingMaterial() {
        return keyingMaterial;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(OFFERED_PROFILES, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "server did not choose an SRTP profile");
        }
        int id = chosen.getProtectionProfiles()[0];
        for (int offered : OFFERED_PROFILES) {
            if (offered == id) {
                profile = SrtpProfile.fromDtlsId(id);
                return;
            }
        }
        throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server chose an SRTP profile not offered");
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                var chain = serverCertificate.getCertificate();
                if (chain == null || chain.isEmpty()
                        || !expectedServer.matches(chain.getCertificateAt(0).getEncoded())) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate,
                            "server certificate does not match the answer's fingerprint");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return certificate.signer(crypto, context);
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keyingMaterial = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
    }

}
