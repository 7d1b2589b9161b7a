package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCRtpTransceiver;
import dev.onvoid.webrtc.RTCRtpTransceiverDirection;
import dev.onvoid.webrtc.RTCRtpTransceiverInit;
import dev.onvoid.webrtc.RTCSdpType;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.media.audio.HeadlessAudioDeviceModule;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoTrack;
import dev.onvoid.webrtc.media.video.VideoTrackSink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A receive-only viewer made of a second, independent libwebrtc peer: what a browser does, in the test's JVM. */
final class LibwebrtcViewer implements PeerConnectionObserver, AutoCloseable {
    final AtomicInteger framesReceived = new AtomicInteger();
    volatile int lastWidth;
    private final HeadlessAudioDeviceModule audio = new HeadlessAudioDeviceModule();
    private final PeerConnectionFactory factory = new PeerConnectionFactory(audio);
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final RTCPeerConnection pc = factory.createPeerConnection(new RTCConfiguration(), this);
    private final CustomVideoSource unused = new CustomVideoSource();
    private final VideoTrack placeholder = factory.createVideoTrack("placeholder", unused);
    private RTCRtpTransceiver mine;
    private VideoTrack remote;
    private final VideoTrackSink sink = frame -> {
        lastWidth = frame.buffer.getWidth();
        framesReceived.incrementAndGet();
    };

    /** A recvonly video offer with all candidates. */
    String offer() throws Exception {
        RTCRtpTransceiverInit init = new RTCRtpTransceiverInit();
        init.direction = RTCRtpTransceiverDirection.RECV_ONLY;
        mine = pc.addTransceiver(placeholder, init);
        SdpCallbacks.Created created = new SdpCallbacks.Created();
        pc.createOffer(new RTCOfferOptions(), created);
        SdpCallbacks.Applied applied = new SdpCallbacks.Applied();
        pc.setLocalDescription(created.get(5, TimeUnit.SECONDS), applied);
        applied.get(5, TimeUnit.SECONDS);
        gathered.get(5, TimeUnit.SECONDS);
        return pc.getLocalDescription().sdp;
    }

    void answer(String sdp) throws Exception {
        SdpCallbacks.Applied applied = new SdpCallbacks.Applied();
        pc.setRemoteDescription(new RTCSessionDescription(RTCSdpType.ANSWER, sdp), applied);
        applied.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
    }

    @Override
    public void onIceGatheringChange(RTCIceGatheringState state) {
        if (state == RTCIceGatheringState.COMPLETE) {
            gathered.complete(null);
        }
    }

    @Override
    public void onTrack(RTCRtpTransceiver transceiver) {
        if (transceiver.getReceiver().getTrack() instanceof VideoTrack video) {
            remote = video;
            video.addSink(sink);
        }
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.removeSink(sink);
        }
        if (mine != null) {
            pc.removeTrack(mine.getSender());
        }
        pc.close();
        placeholder.dispose();
        unused.dispose();
        factory.dispose();
        audio.dispose();
    }
}
