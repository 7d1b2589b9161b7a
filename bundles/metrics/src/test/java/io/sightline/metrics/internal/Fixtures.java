package io.sightline.metrics.internal;

import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.StreamListener;
import io.sightline.api.stream.StreamRegistry;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStats;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.SessionRegistry;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Small in-memory registries with the behaviour the metrics read: names, states, stats and sessions. */
final class Fixtures {
    private Fixtures() {
    }

    static final class FakeStream implements Stream {
        final String name;
        final String transport;
        volatile StreamStatus status;
        volatile StreamStats stats;

        FakeStream(String name, String transport, StreamState state, StreamStats stats) {
            this.name = name;
            this.transport = transport;
            this.status = new StreamStatus(state, "", 1_700_000_000_500L);
            this.stats = stats;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String sourceType() {
            return "test";
        }

        @Override
        public String transportMode() {
            return transport;
        }

        @Override
        public StreamStatus status() {
            return status;
        }

        @Override
        public List<Track> tracks() {
            return List.of();
        }

        @Override
        public StreamStats stats() {
            return stats;
        }

        @Override
        public int viewerCount() {
            throw new AssertionError("the metrics count viewers from the session registry in one pass");
        }

        @Override
        public Map<String, Object> properties() {
            return Map.of();
        }

        @Override
        public Subscription subscribe(MediaSubscriber subscriber, SubscribeOptions options) {
            throw new AssertionError("metrics never subscribe");
        }

        @Override
        public void requestKeyframe() {
            throw new AssertionError("metrics never ask for keyframes");
        }
    }

    static final class Streams implements StreamRegistry {
        final Map<String, Stream> byName = new TreeMap<>();

        Streams add(FakeStream s) {
            byName.put(s.name(), s);
            return this;
        }

        @Override
        public Optional<Stream> find(String name) {
            return Optional.ofNullable(byName.get(name));
        }

        @Override
        public List<Stream> streams() {
            return List.copyOf(byName.values());
        }

        @Override
        public AutoCloseable watch(StreamListener listener) {
            return () -> { };
        }
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
