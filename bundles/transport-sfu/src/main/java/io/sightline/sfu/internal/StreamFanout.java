package io.sightline.sfu.internal;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.MediaSubscriber;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SFU's single subscriber to one stream: every unit is packetized once into a per-track {@link PacketHistory},
 * then each viewer only rewrites the header and encrypts. New viewers start on the cached group of pictures, sent at
 * once with compressed timestamps so the first picture shows immediately and no latency is added.
 */
final class StreamFanout implements MediaSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(StreamFanout.class);
    private static final int HISTORY_PACKETS = 2048;
    /** RTP ticks between the cached frames of a burst (1 ms at 90 kHz): decoded back to back, shown at once. */
    private static final int BURST_FRAME_TICKS = 90;

    private final Stream stream;
    private final Map<Integer, OutboundTrack> outbound = new ConcurrentHashMap<>();
    private final List<SfuViewerSession> viewers = new CopyOnWriteArrayList<>();
    private final Queue<SfuViewerSession> joining = new ConcurrentLinkedQueue<>();
    private final Object tracksKnown = new Object();
    private volatile List<Track> tracks = List.of();
    private volatile Subscription subscription;

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
        this.stream = stream;
    }

    void start() {
        subscription = stream.subscribe(this, new SubscribeOptions(512, true, false, true));
    }

    Stream stream() {
        return stream;
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

    void join(SfuViewerSession viewer) {
        joining.add(viewer);
        if (subscription != null) {
            subscription.requestKeyframe();
        }
    }

    void leave(SfuViewerSession viewer) {
        viewers.remove(viewer);
        joining.remove(viewer);
    }

    void keyframeRequested() {
        Subscription s = subscription;
        if (s != null) {
            s.requestKeyframe();
        }
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
        return codec == Codec.H264 || codec == Codec.VP8 || codec == Codec.OPUS;
    }

    @Override
    public void onMedia(EncodedUnit unit) {
        OutboundTrack t = outbound.get(unit.trackId());
        if (t == null) {
            return;
        }
        admitJoiningViewers();
        long first = packetize(t, unit);
        long end = t.history.written();
        long now = System.nanoTime();
        for (SfuViewerSession v : viewers) {
            ViewerTrack vt = viewerTrack(v, unit.trackId());
            if (vt == null) {
                continue;
            }
            if (!vt.started()) {
                if (t.track.kind() == MediaKind.VIDEO && !unit.keyframe()) {
                    continue;
                }
                startLive(vt, first);
            }
            for (long i = Math.max(first, vt.startIndex); i < end; i++) {
                v.send(vt, t.history, i, vt.viewerTs(t.history.timestamp(i)));
            }
            v.maybeSendReports(now);
        }
    }

    private long packetize(OutboundTrack t, EncodedUnit unit) {
        PacketHistory h = t.history;
        long first = h.written();
        long ts = unit.rtpTimestamp() & 0xffffffffL;
        t.packetizer.begin(unit);
        while (t.packetizer.hasNext()) {
            int len = t.packetizer.next(h.nextPayloadBuffer(), 0);
            h.commit(len, ts, t.packetizer.marker(), unit.captureTimeMillis());
        }
        if (unit.keyframe() && t.track.kind() == MediaKind.VIDEO) {
            t.gopStart = first;
        }
        return first;
    }

    /** Viewers whose DTLS just completed: start each on the cached GOP (video) and live (audio). */
    private void admitJoiningViewers() {
        for (SfuViewerSession v; (v = joining.poll()) != null;) {
            for (ViewerTrack vt : v.tracks()) {
                OutboundTrack t = outbound.get(vt.trackId);
                if (t == null) {
                    continue;
                }
                if (vt.kind == MediaKind.VIDEO) {
                    long gop = t.gopStart;
                    if (gop >= 0 && t.history.holds(gop) && t.history.written() - gop < HISTORY_PACKETS / 2) {
                        sendGopBurst(v, vt, t, gop);
                    }
                    // Otherwise the viewer starts at the next keyframe, which join() has requested.
                } else {
                    startLive(vt, t.history.written());
                }
            }
            viewers.add(v);
        }
    }

    private static void startLive(ViewerTrack vt, long index) {
        vt.startIndex = index;
    }

    /**
     * Sends the frames since the last keyframe at once. Their timestamps are squeezed to 1 ms apart, ending at the
     * newest frame's place on this viewer's timeline, so the decoder catches up immediately and live frames follow
     * with their normal spacing: a fast first frame with no lasting delay.
     */
    private static void sendGopBurst(SfuViewerSession v, ViewerTrack vt, OutboundTrack t, long gop) {
        PacketHistory h = t.history;
        long end = h.written();
        int frames = 0;
        for (long i = gop; i < end; i++) {
            if (i == gop || h.timestamp(i) != h.timestamp(i - 1)) {
                frames++;
            }
        }
        long newestTs = h.timestamp(end - 1);
        vt.startIndex = gop;
        int frame = -1;
        for (long i = gop; i < end; i++) {
            if (i == gop || h.timestamp(i) != h.timestamp(i - 1)) {
                frame++;
            }
            long squeezed = vt.viewerTs(newestTs) - (long) (frames - 1 - frame) * BURST_FRAME_TICKS;
            v.send(vt, h, i, squeezed & 0xffffffffL);
        }
        LOG.debug("Viewer {} started on a cached GOP of {} frames", v.id(), frames);
    }

    private static ViewerTrack viewerTrack(SfuViewerSession v, int trackId) {
        for (ViewerTrack vt : v.tracks()) {
            if (vt.trackId == trackId) {
                return vt;
            }
        }
        return null;
    }

    /** A viewer lost a packet: resend it from the history if it is still there. */
    void retransmit(SfuViewerSession viewer, ViewerTrack vt, int viewerSeq) {
        OutboundTrack t = outbound.get(vt.trackId);
        if (t == null || !vt.started()) {
            return;
        }
        long newest = t.history.written() - 1;
        long index = vt.indexOfViewerSeq(viewerSeq, newest);
        if (t.history.holds(index)) {
            viewer.resend(vt, t.history, index);
        }
    }

    @Override
    public void onClosed() {
        for (SfuViewerSession v : viewers) {
            v.close();
        }
        for (SfuViewerSession v : joining) {
            v.close();
        }
    }
}
