package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCIceGatheringState;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCPeerConnectionState;
import dev.onvoid.webrtc.RTCRtpSender;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.media.video.CustomVideoSource;
import dev.onvoid.webrtc.media.video.VideoFrame;
import dev.onvoid.webrtc.media.video.VideoTrack;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Subscription;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer served by its own libwebrtc PeerConnection: the viewer's raw-picture subscription feeds a
 * {@link CustomVideoSource}, and libwebrtc encodes, paces and adapts for this viewer alone.
 *
 * <p>Pictures arrive on the subscription's delivery thread; libwebrtc's callbacks arrive on its native signaling
 * thread. Teardown happens once, in the order libwebrtc needs: stop pictures, remove the sender, close the
 * connection, then dispose the track and the source.
 */
final class PeerSession implements ViewerSession, MediaSubscriber, PeerConnectionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSession.class);

    private final String id;
    private final String streamName;
    private final String remoteAddress;
    private final long createdMillis = System.currentTimeMillis();
    private final ViewerPeers owner;
    private final Object pictureLock = new Object();
    private final CountDownLatch firstPicture = new CountDownLatch(1);
    private final CompletableFuture<Void> gathered = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> closeListeners = new ArrayList<>();
    private final AtomicLong picturesPushed = new AtomicLong();
    private volatile String state = "new";
    private volatile String answerSdp = "";
    private volatile ViewerStats lastStats = ViewerStats.EMPTY;
    private Subscription subscription;
    private RTCPeerConnection connection;
    private CustomVideoSource source;
    private VideoTrack track;
    private RTCRtpSender sender;

    PeerSession(String id, String streamName, String remoteAddress, ViewerPeers owner) {
        this.id = id;
        this.streamName = streamName;
        this.remoteAddress = remoteAddress;
        this.owner = owner;
    }

    void subscribed(Subscription subscription) {
        this.subscription = subscription;
    }

    /** Attaches the native objects; from now on pictures go to {@code source}. */
    void attach(RTCPeerConnection connection, CustomVideoSource source, VideoTrack track) {
        synchronized (pictureLock) {
            this.connection = connection;
            this.source = source;
            this.track = track;
        }
    }

    void sender(RTCRtpSender sender) {
        this.sender = sender;
    }

    void answered(String sdp) {
        this.answerSdp = sdp;
    }

    boolean awaitFirstPicture(long millis) throws InterruptedException {
        return firstPicture.await(millis, TimeUnit.MILLISECONDS);
    }

    CompletableFuture<Void> gathered() {
        return gathered;
    }

    long picturesPushed() {
        return picturesPushed.get();
    }

    // ---- MediaSubscriber: the subscription's delivery thread ---------------------------------------------------

    @Override
    public void onMedia(EncodedUnit unit) {
        // Raw pictures only: this subscription is opened without encoded units.
    }

    @Override
    public void onRawVideo(RawVideoFrame frame) {
        firstPicture.countDown();
        synchronized (pictureLock) {
            if (source == null || closed.get()) {
                return;
            }
            VideoFrame picture = I420Frames.toVideoFrame(frame, System.nanoTime());
            try {
                source.pushFrame(picture);
                picturesPushed.incrementAndGet();
            } finally {
                picture.release();
            }
        }
    }

    @Override
    public void onClosed() {
        owner.closeLater(this);
    }

    // ---- PeerConnectionObserver: libwebrtc's signaling thread --------------------------------------------------

    @Override
    public void onIceCandidate(RTCIceCandidate candidate) {
        // Non-trickle answer: candidates are read from the local description once gathering completes.
    }

    @Override
    public void onIceGatheringChange(RTCIceGatheringState gatheringState) {
        if (gatheringState == RTCIceGatheringState.COMPLETE) {
            gathered.complete(null);
        }
    }

    @Override
    public void onConnectionChange(RTCPeerConnectionState connectionState) {
        if (!closed.get()) {
            state = connectionState.name().toLowerCase(Locale.ROOT);
        }
        if (connectionState == RTCPeerConnectionState.FAILED) {
            LOG.info("P2P session {} of {} failed (ICE/DTLS); closing", id, streamName);
            owner.closeLater(this);
        }
    }

    // ---- ViewerSession ----------------------------------------------------------------------------------------

    @Override
    public String id() {
        return id;
    }

    @Override
    public String streamName() {
        return streamName;
    }

    @Override
    public String transportMode() {
        return P2pTransport.MODE;
    }

    @Override
    public String answerSdp() {
        return answerSdp;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public long createdMillis() {
        return createdMillis;
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public void addRemoteCandidates(String sdpFragment) {
        RTCPeerConnection pc = connection;
        if (pc == null || closed.get()) {
            return;
        }
        for (RTCIceCandidate c : TrickleFragment.candidates(sdpFragment)) {
            pc.addIceCandidate(c);
        }
    }

    @Override
    public String restartIce(String sdpFragment) {
        throw new UnsupportedOperationException("the P2P transport does not restart ICE; open a new session");
    }

    @Override
    public ViewerStats stats() {
        RTCPeerConnection pc = connection;
        if (pc == null || closed.get()) {
            return lastStats;
        }
        CompletableFuture<RTCStatsReport> report = new CompletableFuture<>();
        pc.getStats(report::complete);
        try {
            lastStats = PeerStats.of(report.get(500, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("No stats from P2P session {}: {}", id, e.toString());
        }
        return lastStats;
    }

    @Override
    public void onClosed(Runnable listener) {
        synchronized (closeListeners) {
            if (!closed.get()) {
                closeListeners.add(listener);
                return;
            }
        }
        listener.run();
    }

    @Override
    public void close() {
        List<Runnable> listeners;
        synchronized (closeListeners) {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            listeners = List.copyOf(closeListeners);
            closeListeners.clear();
        }
        state = "closed";
        gathered.complete(null);
        if (subscription != null) {
            subscription.close();
        }
        synchronized (pictureLock) {
            release();
        }
        owner.sessionClosed(this);
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Close listener of P2P session {} failed", id, e);
            }
        }
    }

    /** libwebrtc's order: remove the sender, close the connection, then dispose the track and its source. */
    private void release() {
        try {
            if (connection != null && sender != null) {
                connection.removeTrack(sender);
            }
            if (connection != null) {
                connection.close();
            }
            if (track != null) {
                track.dispose();
            }
            if (source != null) {
                source.dispose();
            }
        } catch (RuntimeException e) {
            LOG.warn("Releasing P2P session {} of {}", id, streamName, e);
        } finally {
            sender = null;
            track = null;
            source = null;
            connection = null;
        }
    }
}
