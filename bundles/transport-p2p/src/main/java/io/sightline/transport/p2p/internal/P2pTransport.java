package io.sightline.transport.p2p.internal;

import io.sightline.api.stream.Stream;
import io.sightline.api.transport.SessionRequest;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportStrategy;
import io.sightline.api.transport.ViewerSession;
import io.sightline.webrtc.natives.WebRtcNatives;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P2P transport ({@code transport.mode=p2p}): one libwebrtc PeerConnection per viewer, fed with the stream's raw
 * pictures, so each viewer gets an encoder of its own that adapts to its network. Starts only once the
 * {@link WebRtcNatives} service says libwebrtc loaded; stopping it closes every viewer and then the factory.
 */
@Component(property = TransportStrategy.TRANSPORT_MODE + "=" + P2pTransport.MODE, configurationPid = P2pTransport.PID)
@Designate(ocd = P2pConfiguration.class)
public final class P2pTransport implements TransportStrategy {
    static final String MODE = "p2p";
    static final String PID = "io.sightline.transport.p2p";
    private static final Logger LOG = LoggerFactory.getLogger(P2pTransport.class);

    private final ViewerPeers peers;

    @Activate
    public P2pTransport(@Reference WebRtcNatives natives, P2pConfiguration configuration) {
        P2pSettings settings = P2pSettings.from(configuration);
        this.peers = new ViewerPeers(settings);
        LOG.info("P2P transport ready on libwebrtc (webrtc-java {}): codecs {}, at most {} viewers per stream, "
                + "ICE servers {}", natives.version(), settings.codecs(), settings.maxViewersPerStream(),
                settings.iceServers().isEmpty() ? "none (host candidates)" : settings.iceServers());
    }

    @Modified
    void modified(P2pConfiguration configuration) {
        peers.update(P2pSettings.from(configuration));
    }

    @Deactivate
    void deactivate() {
        int open = peers.sessions().size();
        peers.close();
        LOG.info("P2P transport stopped; closed {} viewer sessions", open);
    }

    @Override
    public ViewerSession open(Stream stream, SessionRequest request) throws TransportException {
        return peers.open(stream, request);
    }
}
