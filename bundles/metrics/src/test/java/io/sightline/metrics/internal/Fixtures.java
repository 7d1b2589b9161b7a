package io.sightline.metrics.internal;

import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import io.sightline.testing.TestStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Streams (the shared {@link TestStream}) and in-memory sessions with the behaviour the metrics read. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * A stream as the metrics read it: name, transport, state and stats. The metrics count viewers from the session
     * registry in one pass and never touch media, so the rest fails the test.
     */
    static TestStream stream(String name, String transport, StreamState state, StreamStats stats) {
        return new TestStream(name).transportMode(transport).status(new StreamStatus(state, "", 1_700_000_000_500L))
                .stats(stats).viewers(() -> {
                    throw new AssertionError("the metrics count viewers from the session registry in one pass");
                }).readOnly("the metrics never subscribe nor ask for keyframes");
    }

    static class FakeSession implements ViewerSession {
        final String id;
        final String stream;
        final String transport;
        final AtomicInteger statsCalls = new AtomicInteger();
        volatile ViewerStats stats = ViewerStats.EMPTY;

        FakeSession(String id, String stream, String transport) {
            this.id = id;
            this.stream = stream;
            this.transport = transport;
        }

        FakeSession sent(long packets, long bytes, long dropped, long lost, long nacks, long plis) {
            stats = new ViewerStats(packets, bytes, dropped, lost, 0, 0, -1, nacks, plis, 0);
            return this;
        }

        FakeSession estimated(long bps) {
            ViewerStats s = stats;
            stats = new ViewerStats(s.packetsSent(), s.bytesSent(), s.packetsDropped(), s.packetsLost(), 0, 0, -1,
                    s.nacksReceived(), s.keyframeRequests(), bps, "transport-cc");
            return this;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String streamName() {
            return stream;
        }

        @Override
        public String transportMode() {
            return transport;
        }

        @Override
        public String answerSdp() {
            return "";
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public long createdMillis() {
            return 0;
        }

        @Override
        public String state() {
            return "connected";
        }

        @Override
        public void addRemoteCandidates(String sdpFragment) {
        }

        @Override
        public String restartIce(String sdpFragment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ViewerStats stats() {
            statsCalls.incrementAndGet();
            return stats;
        }

        @Override
        public void onClosed(Runnable listener) {
        }

        @Override
        public void close() {
        }
    }

    static final class Sessions implements SessionRegistry {
        final List<ViewerSession> live = new ArrayList<>();

        @Override
        public void register(ViewerSession session) {
            live.add(session);
        }

        @Override
        public Optional<ViewerSession> session(String id) {
            return live.stream().filter(s -> s.id().equals(id)).findFirst();
        }

        @Override
        public List<ViewerSession> sessions() {
            return List.copyOf(live);
        }

        @Override
        public List<ViewerSession> sessions(String streamName) {
            throw new AssertionError("the metrics group all sessions in one pass");
        }
    }
}
