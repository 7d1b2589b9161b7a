package io.sightline.sfu.internal;

import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Track;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fan-out receiver that keeps what the {@link StreamFanout} hands it (payload, the sequence number its track gives
 * the packet, timestamp, marker), so the fan-out is tested without ICE, DTLS or SRTP. Used on the test's thread only.
 */
final class RecordingViewer implements FanoutViewer {
    /** One packet as the fan-out handed it over. */
    record Sent(long index, int seq, long timestamp, boolean marker, byte[] payload) {
        int nalType() {
            return payload[0] & 0x1f;
        }
    }

    final ViewerTrack track;
    final List<Sent> sent = new ArrayList<>();
    private final String id;
    /** When set, {@link #send} throws it: a viewer whose path broke. */
    RuntimeException failure;
    int admissions;
    int reportCalls;
    boolean closed;

    RecordingViewer(String id, int seqBase, long tsOffset) {
        this.id = id;
        this.track = new ViewerTrack(Track.VIDEO, MediaKind.VIDEO, null, seqBase, 5000);
        this.track.tsOffset = tsOffset;
    }

    /** Keys ready: joins the fan-out, as a session does when DTLS completes. */
    RecordingViewer joining(StreamFanout fanout) {
        fanout.join(this);
        return this;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public List<ViewerTrack> tracks(StreamFanout from) {
        return List.of(track);
    }

    @Override
    public void admitted() {
        admissions++;
    }

    @Override
    public boolean ready() {
        return !closed;
    }

    @Override
    public void send(ViewerTrack t, PacketHistory history, long index, long viewerTs) {
        if (failure != null) {
            throw failure;
        }
        sent.add(new Sent(index, t.viewerSeq(index), viewerTs, history.marker(index),
                Arrays.copyOf(history.payload(index), history.length(index))));
    }

    @Override
    public void maybeSendReports(long nowNanos) {
        reportCalls++;
    }

    @Override
    public void close() {
        closed = true;
    }
}
