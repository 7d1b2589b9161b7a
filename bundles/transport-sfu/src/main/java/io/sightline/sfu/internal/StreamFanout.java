package io.sightline.sfu.internal;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.Stream;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Subscription;
import io.sightline.api.stream.Track;
import io.sightline.rtp.rtp.RtpPacketizer;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFU's single subscriber to one stream: every unit is packetized once into a per-track {@link PacketHistory},
 * then each viewer only rewrites the header and encrypts. Viewers are {@link FanoutViewer}s: the fan-out calls them,
 * they call it back only through its package methods (join, leave, keyframe requests, the history for NACKs). How new viewers start is the {@link ViewerStart}: by default
 * on the cached group of pictures, sent at once with compressed timestamps so the first picture shows immediately and
 * no latency is added.
 */
final class StreamFanout implements MediaSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(StreamFanout.class);
    private static final int HISTORY_PACKETS = 2048;
    /** At most this many packets are caught up for a viewer admitted off the fan-out thread (a few frames). */
    private static final int CATCH_UP_PACKETS = 256;
    /** RTP ticks between the cached frames of a burst (1 ms at 90 kHz): decoded back to back, shown at once. */
    static final int BURST_FRAME_TICKS = 90;
    /** How long a forwarded keyframe request stands for all later ones before the source is asked again. */
    static final long KEYFRAME_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    private final Stream stream;
    /** The rendition this fan-out sends, or null for the stream's own media. */
    private final Rendition rendition;
    private final ViewerStart viewerStart;
    private final Map<Integer, OutboundTrack> outbound = new ConcurrentHashMap<>();
    private final List<FanoutViewer> viewers = new CopyOnWriteArrayList<>();
    private final Queue<FanoutViewer> joining = new ConcurrentLinkedQueue<>();
    private final Object tracksKnown = new Object();
    private volatile List<Track> tracks = List.of();
    private volatile Subscription subscription;
    /** A keyframe was asked for and has not arrived yet: later requests wait for the same one. */
    private final AtomicBoolean keyframePending = new AtomicBoolean();
    private volatile long keyframeRequestedNanos;
    private final LongAdder keyframeRequestsForwarded = new LongAdder();
    private final LongAdder keyframeRequestsCoalesced = new LongAdder();
    private final LongAdder viewerFailures = new LongAdder();

    /** Packetization state of one track of the stream. */
    static final class OutboundTrack {
        final Track track;
        final RtpPacketizer packetizer;
        final PacketHistory history = new PacketHistory(HISTORY_PACKETS);
        /** History index of the first packet of the last video keyframe, -1 if none is held. */
        volatile long gopStart = -1;

        OutboundTrack(Track track) {
            this.track = track;
            this.packetizer = RtpPacketizer.create(track.parameters().codec(), PacketHistory.MAX_PAYLOAD - 100);
        }
    }

    StreamFanout(Stream stream) {
        this(stream, ViewerStart.GOP_BURST);
    }

    StreamFanout(Stream stream, ViewerStart viewerStart) {
        this(stream, null, viewerStart);
    }

    /** @param rendition a rendition of the stream to send instead of its own media, or null */
    StreamFanout(Stream stream, Rendition rendition, ViewerStart viewerStart) {
        this.stream = stream;
        this.rendition = rendition;
        this.viewerStart = viewerStart;
    }

    /** @throws IllegalArgumentException when the stream cannot produce the rendition */
    void start() {
        SubscribeOptions options = new SubscribeOptions(512, true, false, true);
        subscription = rendition == null ? stream.subscribe(this, options)
                : stream.subscribe(this, options, rendition);
    }

    Stream stream() {
        return stream;
    }

    /** The rendition sent, or null for the stream's own media. */
    Rendition rendition() {
        return rendition;
    }

    /** The key of this fan-out among the SFU's: the stream's name, with the rendition's key when it sends one. */
    static String key(String streamName, Rendition rendition) {
        return rendition == null ? streamName : streamName + "/" + rendition.key();
    }

    String key() {
        return key(stream.name(), rendition);
    }

    /** Tells the stream how many viewer sessions this fan-out serves (its rendition figures). */
    void viewerSessions(int count) {
        Subscription s = subscription;
        if (s != null) {
            s.viewers(count);
        }
    }

    /** The stream's tracks, waiting up to {@code waitMs} for a starting stream to announce them. */
    List<Track> awaitTracks(long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        synchronized (tracksKnown) {
            while (tracks.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(tracksKnown, left);
            }
        }
        return tracks;
    }

    int viewerCount() {
        return viewers.size() + joining.size();
    }

    /**
     * A viewer's keys are ready. It is admitted on the fan-out thread with the next unit and starts as the
     * {@link ViewerStart} says (by default on the cached GOP when there is one, otherwise at the next keyframe, which
     * admission then requests).
     */
    void join(FanoutViewer viewer) {
        if (viewerStart == ViewerStart.GOP_BURST && admitNow(viewer)) {
            return;
        }
        joining.add(viewer);
    }

    /**
     * Starts a viewer on the caller's thread (its DTLS worker) when every video track it takes has a cached GOP:
     * the burst goes out now instead of with the stream's next unit (up to a frame interval later). The fan-out
     * thread only sees the viewer once the burst is sent; packets it made meanwhile are caught up from
     * {@link ViewerTrack#nextIndex} with its next unit. Otherwise the viewer waits in the join queue as before.
     */
    private boolean admitNow(FanoutViewer v) {
        for (ViewerTrack vt : v.tracks(this)) {
            OutboundTrack t = outbound.get(vt.trackId);
            if (vt.kind == MediaKind.VIDEO && (t == null || !hasUsableGop(t))) {
                return false;
            }
        }
        try {
            v.admitted();
            for (ViewerTrack vt : v.tracks(this)) {
                OutboundTrack t = outbound.get(vt.trackId);
                if (t == null) {
                    continue;
                }
                if (vt.kind == MediaKind.VIDEO) {
                    sendGopBurst(v, vt, t, t.gopStart);
                } else {
                    startLive(vt, t.history.written());
                }
            }
        } catch (RuntimeException e) {
            viewerFailures.increment();
            LOG.warn("Viewer {} of '{}' failed while starting; closing it", v.id(), stream.name(), e);
            v.close();
            return true;
        }
        viewers.add(v);
        if (!v.ready()) {
            viewers.remove(v); // closed while starting: leave() may have run before the add
        }
        return true;
    }

    private static boolean hasUsableGop(OutboundTrack t) {
        long gop = t.gopStart;
        return gop >= 0 && t.history.holds(gop) && t.history.written() - gop < HISTORY_PACKETS / 2;
    }

    /**
     * A viewer moving here from another rung of the stream: it starts live, video at this fan-out's next keyframe
     * (asked for now), and receives its old rung until then ({@link SfuViewerSession#moveTo}).
     */
    void spliceIn(FanoutViewer viewer) {
        viewers.add(viewer);
        keyframeRequested();
    }

    void leave(FanoutViewer viewer) {
        viewers.remove(viewer);
        joining.remove(viewer);
    }

    /**
     * Asks the source for a keyframe unless one was asked for less than {@link #KEYFRAME_WAIT_NANOS} ago and has not
     * come yet: every viewer waiting for it is served by that one (a burst of PLIs from many viewers after a loss,
     * or many viewers joining, costs one keyframe).
     */
    void keyframeRequested() {
        Subscription s = subscription;
        if (s == null) {
            return;
        }
        long now = System.nanoTime();
        if (keyframePending.get() && now - keyframeRequestedNanos < KEYFRAME_WAIT_NANOS) {
            keyframeRequestsCoalesced.increment();
            return;
        }
        keyframeRequestedNanos = now;
        keyframePending.set(true);
        keyframeRequestsForwarded.increment();
        s.requestKeyframe();
    }

    long keyframeRequestsForwarded() {
        return keyframeRequestsForwarded.sum();
    }

    long keyframeRequestsCoalesced() {
        return keyframeRequestsCoalesced.sum();
    }

    /** Packets of a track packetized so far (for tests and statistics). */
    long historyWritten(int trackId) {
        OutboundTrack t = outbound.get(trackId);
        return t == null ? 0 : t.history.written();
    }

    /** Viewers whose sending threw and who were closed so the others go on. */
    long viewerFailures() {
        return viewerFailures.sum();
    }

    void close() {
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    // ---- MediaSubscriber (the subscription's delivery thread) ---------------------------------------------------

    @Override
    public void onTracks(List<Track> announced) {
        for (Track t : announced) {
            OutboundTrack current = outbound.get(t.id());
            // Same codec: keep sequence numbers and history so viewers continue after a reconnect without
            // renegotiation (new SPS/PPS travel in-band with the next keyframe).
            if (current == null || current.track.parameters().codec() != t.parameters().codec()) {
                if (isPacketizable(t.parameters().codec())) {
                    outbound.put(t.id(), new OutboundTrack(t));
                }
            }
        }
        synchronized (tracksKnown) {
            tracks = List.copyOf(announced);
            tracksKnown.notifyAll();
        }
    }

    private static boolean isPacketizable(Codec codec) {
        return codec == Codec.H264 || codec == Codec.VP8 || codec == Codec.VP9 || codec == Codec.AV1
                || codec == Codec.OPUS;
    }

    @Override
    public void onMedia(EncodedUnit unit) {
        OutboundTrack t = outbound.get(unit.trackId());
        if (t == null) {
            return;
        }
        if (unit.keyframe() && t.track.kind() == MediaKind.VIDEO) {
            keyframePending.set(false);
        }
        admitJoiningViewers(unit);
        long first = packetize(t, unit);
        long end = t.history.written();
        long now = System.nanoTime();
        for (FanoutViewer v : viewers) {
            try {
                sendUnit(v, t, unit, first, end, now);
            } catch (RuntimeException e) {
                // One broken viewer must not starve the others: it is dropped, the loop goes on.
                viewerFailures.increment();
                LOG.warn("Viewer {} of '{}' failed while sending; closing it", v.id(), stream.name(), e);
                viewers.remove(v);
                v.close();
            }
        }
    }

    private void sendUnit(FanoutViewer v, OutboundTrack t, EncodedUnit unit, long first, long end,
            long now) {
        ViewerTrack vt = viewerTrack(v, unit.trackId());
        if (vt == null) {
            return;
        }
        if (!vt.started()) {
            if (t.track.kind() == MediaKind.VIDEO && !unit.keyframe()) {
                return;
            }
            startLive(vt, first);
        }
        // From where this viewer stopped: normally `first`, earlier when it was admitted off this thread while the
        // unit before was being sent (bounded by what the history still holds).
        long from = Math.max(Math.max(vt.nextIndex, vt.startIndex), end - CATCH_UP_PACKETS);
        for (long i = from; i < end; i++) {
            if (t.history.holds(i)) {
                v.send(vt, t.history, i, vt.viewerTs(t.history.timestamp(i)));
            }
        }
        vt.nextIndex = end;
        v.maybeSendReports(now);
    }

    private long packetize(OutboundTrack t, EncodedUnit unit) {
        PacketHistory h = t.history;
        long first = h.written();
        long ts = unit.rtpTimestamp() & 0xffffffffL;
        boolean keyframe = unit.keyframe() && t.track.kind() == MediaKind.VIDEO;
        t.packetizer.begin(unit);
        while (t.packetizer.hasNext()) {
            int len = t.packetizer.next(h.nextPayloadBuffer(), 0);
            h.commit(len, ts, t.packetizer.marker(), unit.captureTimeMillis(), keyframe);
        }
        if (unit.keyframe() && t.track.kind() == MediaKind.VIDEO) {
            t.gopStart = first;
        }
        return first;
    }

    /** Viewers whose DTLS just completed: video starts as {@link ViewerStart} says, audio live. */
    private void admitJoiningViewers(EncodedUnit unit) {
        for (FanoutViewer v; (v = joining.poll()) != null;) {
            try {
                v.admitted();
                admit(v, unit);
                viewers.add(v);
            } catch (RuntimeException e) {
                viewerFailures.increment();
                LOG.warn("Viewer {} of '{}' failed while starting; closing it", v.id(), stream.name(), e);
                v.close();
            }
        }
    }

    private void admit(FanoutViewer v, EncodedUnit unit) {
        for (ViewerTrack vt : v.tracks(this)) {
            OutboundTrack t = outbound.get(vt.trackId);
            if (t == null) {
                continue;
            }
            if (vt.kind != MediaKind.VIDEO) {
                startLive(vt, t.history.written());
                continue;
            }
            if (unit.keyframe() && unit.trackId() == vt.trackId) {
                // Admitted with a keyframe: sendUnit starts the viewer on it; nothing to burst or ask for.
                continue;
            }
            // Not started: sendUnit starts the viewer at the next video keyframe.
            switch (viewerStart) {
                case WAIT -> {
                    // The source's own next keyframe, however long its GOP: nothing is forced on other viewers.
                }
                case NEXT_KEYFRAME -> keyframeRequested();
                case GOP_BURST -> startOnCachedGop(v, vt, t);
            }
        }
    }

    private void startOnCachedGop(FanoutViewer v, ViewerTrack vt, OutboundTrack t) {
        if (hasUsableGop(t)) {
            sendGopBurst(v, vt, t, t.gopStart);
        } else {
            // No usable GOP: the viewer starts at the next keyframe (coalesced with other requests).
            keyframeRequested();
        }
    }

    private static void startLive(ViewerTrack vt, long index) {
        vt.startIndex = index;
        vt.nextIndex = index;
    }

    /**
     * Sends the frames since the last keyframe at once. Their timestamps are squeezed to 1 ms apart, ending at the
     * newest frame's place on this viewer's timeline, so the decoder catches up immediately and live frames follow
     * with their normal spacing: a fast first frame with no lasting delay.
     */
    private static void sendGopBurst(FanoutViewer v, ViewerTrack vt, OutboundTrack t, long gop) {
        PacketHistory h = t.history;
        long end = h.written();
        int frames = 0;
        for (long i = gop; i < end; i++) {
            if (i == gop || h.timestamp(i) != h.timestamp(i - 1)) {
                frames++;
            }
        }
        vt.startIndex = gop;
        vt.nextIndex = end;
        vt.burstEnd = end;
        vt.burstFrames = frames;
        vt.burstNewestTs = h.timestamp(end - 1);
        int frame = -1;
        for (long i = gop; i < end; i++) {
            if (i == gop || h.timestamp(i) != h.timestamp(i - 1)) {
                frame++;
            }
            v.send(vt, h, i, vt.burstTimestamp(frame));
        }
        LOG.debug("Viewer {} started on a cached GOP of {} frames", v.id(), frames);
    }

    private ViewerTrack viewerTrack(FanoutViewer v, int trackId) {
        for (ViewerTrack vt : v.tracks(this)) {
            if (vt.trackId == trackId) {
                return vt;
            }
        }
        return null;
    }

    /** The history a viewer's track is sent from, or null when the stream has no such track (any more). */
    PacketHistory history(ViewerTrack vt) {
        OutboundTrack t = outbound.get(vt.trackId);
        return t == null ? null : t.history;
    }

    /** The history index of a packet a viewer knows by its sequence number, or -1 when it was never sent to it. */
    long historyIndex(ViewerTrack vt, int viewerSeq) {
        OutboundTrack t = outbound.get(vt.trackId);
        if (t == null || !vt.started()) {
            return -1;
        }
        long index = vt.indexOfViewerSeq(viewerSeq, t.history.written() - 1);
        return index >= vt.startIndex ? index : -1;
    }

    @Override
    public void onClosed() {
        for (FanoutViewer v : viewers) {
            v.close();
        }
        for (FanoutViewer v : joining) {
            v.close();
        }
    }
}
