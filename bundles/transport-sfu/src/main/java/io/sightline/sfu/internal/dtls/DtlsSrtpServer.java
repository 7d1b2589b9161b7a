package io.sightline.sfu.internal.dtls;

import io.sightline.rtp.dtls.DtlsCertificate;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's DTLS 1.2 server configured for WebRTC (RFC 8827 §6.5): ECDHE-ECDSA AEAD suites, a mandatory
 * client certificate checked against the SDP fingerprint, use_srtp (RFC 5764) and SRTP key export.
 */
final class DtlsSrtpServer extends DefaultTlsServer {

    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    /** Notified when the peer sends close_notify; runs on the thread processing the record. */
    interface CloseHandler {
        void onCloseNotify();
    }

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final Fingerprint expectedPeer;
    private final int handshakeTimeoutMillis;
    private final CloseHandler closeHandler;
    /** GCM first: cheaper per packet with AES-NI, and Chromium offers it; every browser also has AES-CM. */
    private static final SrtpProfile[] PREFERENCE = {SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80};

    private SrtpProfile profile;
    private volatile DtlsSrtpKeys keys;

    DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, Fingerprint expectedPeer,
            int handshakeTimeoutMillis, CloseHandler closeHandler) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.expectedPeer = expectedPeer;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.closeHandler = closeHandler;
    }

    DtlsSrtpKeys keys() {
        return keys;
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

    /**
     * First retransmission of a flight of ours the peer did not answer (BouncyCastle's default is 1 s, RFC 6347's
     * initial timer). A lost ServerHello flight on a lossy link would otherwise hold the first picture a second;
     * browsers resend their own flights sooner, and a quarter second still exceeds the RTT of any path we serve.
     */
    static final int FLIGHT_RESEND_MILLIS = 250;

    @Override
    public int getHandshakeResendTimeMillis() {
        return FLIGHT_RESEND_MILLIS;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return certificate.signer(crypto, context);
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        // WebRTC peers always present a (self-signed) certificate; it is what the SDP fingerprint binds.
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client certificate required");
        }
        if (!expectedPeer.matches(clientCertificate.getCertificateAt(0).getEncoded())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "certificate does not match SDP fingerprint");
        }
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
        }
        for (SrtpProfile candidate : PREFERENCE) {
            for (int id : offered.getProtectionProfiles()) {
                if (id == candidate.dtlsId()) {
                    profile = candidate;
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    @Override
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        // RFC 5764 §4.1.1: one profile, and no MKI (an empty srtp_mki declines the client's).
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {profile.dtlsId()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] material = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        keys = new DtlsSrtpKeys(profile, material);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertLevel == AlertLevel.warning && alertDescription == AlertDescription.close_notify) {
            closeHandler.onCloseNotify();
        }
    }
}
