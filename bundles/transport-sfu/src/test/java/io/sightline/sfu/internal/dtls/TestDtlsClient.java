package io.sightline.sfu.internal.dtls;

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
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** A WebRTC-like DTLS client: own self-signed certificate, use_srtp, checks the server's fingerprint. */
final class TestDtlsClient extends DefaultTlsClient {

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final Fingerprint expectedServer;
    private final int[] offeredProfiles;
    volatile SrtpProfile profile;
    volatile byte[] keyingMaterial;

    TestDtlsClient(BcTlsCrypto crypto, DtlsCertificate certificate, Fingerprint expectedServer,
            int... offeredProfiles) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.expectedServer = expectedServer;
        this.offeredProfiles = offeredProfiles;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return new int[] {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
    }

    @Override
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(offeredProfiles, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData selected = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        profile = SrtpProfile.fromDtlsId(selected.getProtectionProfiles()[0]);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                byte[] der = serverCertificate.getCertificate().getCertificateAt(0).getEncoded();
                if (!expectedServer.matches(der)) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate);
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
