package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.util.concurrent.CompletableFuture;

/** libwebrtc's asynchronous SDP callbacks as futures, completed on libwebrtc's signaling thread. */
final class SdpCallbacks {
    private SdpCallbacks() {
    }

    static final class Created extends CompletableFuture<RTCSessionDescription>
            implements CreateSessionDescriptionObserver {
        @Override
        public void onSuccess(RTCSessionDescription description) {
            complete(description);
        }

        @Override
        public void onFailure(String error) {
            completeExceptionally(new IllegalStateException(error));
        }
    }

    static final class Applied extends CompletableFuture<Void> implements SetSessionDescriptionObserver {
        @Override
        public void onSuccess() {
            complete(null);
        }

        @Override
        public void onFailure(String error) {
            completeExceptionally(new IllegalStateException(error));
        }
    }
}
