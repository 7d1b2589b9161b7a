package io.sightline.sfu.internal;

import io.sightline.api.media.MediaKind;
import io.sightline.rtp.rtp.RtpHeader;
import io.sightline.rtp.sdp.SdpAnswer;

/**
 * One negotiated m-section of one viewer: how the stream's packets of a track are rewritten for this viewer
 * (payload type, SSRC, sequence and timestamp offsets, header extensions). Used under the viewer's send lock.
 */
final class ViewerTrack {
    final int trackId;
    /** This track's position in its viewer's track list. */
    int position;
    final MediaKind kind;
    final SdpAnswer.Negotiated negotiated;
    final RtpHeader header = new RtpHeader();
    /** Which NACKed packets of this track are resent, in which order (used on the viewer's RTCP thread). */
    final RetransmitPlanner retransmits = new RetransmitPlanner();
    /** Absolute history index of this viewer's first packet; -1 until the viewer started on this track. */
    long startIndex = -1;
    /** The next history index to send this viewer: where the fan-out goes on with the next unit. */
    long nextIndex = -1;
    /** The GOP burst this viewer started with: history indices [startIndex, burstEnd), its frames, newest timestamp. */
    long burstEnd = -1;
    int burstFrames;
    long burstNewestTs;
    int seqBase;
    long tsOffset;
    int rtxSeq;
    long packetsSent;
    long octetsSent;
    /** Stream RTP timestamp and wall clock of the last packet sent, for sender reports. */
    long lastStreamTs;
    long lastCaptureMillis;
    /** The viewer sequence number of the last packet sent, -1 before the first (send lock). */
    int lastSentSeq = -1;
    /** The history index of the last packet sent, -1 before the first (send lock): what a probe repeats. */
    long lastSentIndex = -1;
    /**
     * The same m-section on the rung the viewer was on before a move (decision 0039), until this track's first packet
     * continued its numbering; null for a viewer's first tracks and once continued (send lock).
     */
    ViewerTrack predecessor;
    /** Replaced by its successor on another rung: packets still sent for it are dropped (send lock). */
    volatile boolean retired;

    ViewerTrack(int trackId, MediaKind kind, SdpAnswer.Negotiated negotiated, int seqBase, int rtxSeq) {
        this.trackId = trackId;
        this.kind = kind;
        this.negotiated = negotiated;
        this.seqBase = seqBase;
        this.rtxSeq = rtxSeq;
    }

    /**
     * This m-section on another rung's fan-out: same negotiation (payload type, SSRC, extensions), same timestamp
     * offset (every rung carries the source's timeline), not started there yet; its numbering continues this
     * track's at its first packet ({@link #continueFrom}).
     */
    ViewerTrack successor() {
        ViewerTrack next = new ViewerTrack(trackId, kind, negotiated, seqBase, rtxSeq);
        next.position = position;
        next.tsOffset = tsOffset;
        next.predecessor = this;
        return next;
    }

    /**
     * Called with this track's first packet after a move, at history index {@code index} of its new fan-out: the
     * packet gets the sequence number after the last one the viewer got on the old rung, so the receiver sees one
     * unbroken stream (one SSRC, no gap, no repeat, timestamps moving forward); RTX numbering and the sender
     * report's counts go on too.
     */
    void continueFrom(long index, long streamTs) {
        ViewerTrack old = predecessor;
        if (old.lastSentSeq >= 0) {
            // The first picture on the new rung is usually one the viewer just got from the old rung (the same
            // source picture, encoded later): a tick later, so its timestamp still moves forward.
            int ahead = (int) (streamTs - old.lastStreamTs);
            if (ahead <= 0) {
                tsOffset = (tsOffset - ahead + 1) & 0xffffffffL;
            }
        }
        int last = old.lastSentSeq >= 0 ? old.lastSentSeq : (old.seqBase - 1);
        seqBase = (int) ((last + 1 - (index - startIndex)) & 0xffff);
        rtxSeq = old.rtxSeq;
        packetsSent = old.packetsSent;
        octetsSent = old.octetsSent;
        lastSentSeq = old.lastSentSeq;
        predecessor = null;
    }

    boolean started() {
        return startIndex >= 0;
    }

    int viewerSeq(long index) {
        return (int) ((seqBase + (index - startIndex)) & 0xffff);
    }

    /** The history index of a packet this viewer knows by its own sequence number, relative to the newest index. */
    long indexOfViewerSeq(int seq, long newestIndex) {
        long back = ((viewerSeq(newestIndex) - seq) & 0xffff);
        return newestIndex - back;
    }

    long viewerTs(long streamTs) {
        return (streamTs + tsOffset) & 0xffffffffL;
    }

    /**
     * The squeezed timestamp of the burst's {@code frame}-th picture: 1 ms apart, the newest at its own place on
     * this viewer's timeline (see StreamFanout#sendGopBurst).
     */
    long burstTimestamp(int frame) {
        return (viewerTs(burstNewestTs) - (long) (burstFrames - 1 - frame) * StreamFanout.BURST_FRAME_TICKS)
                & 0xffffffffL;
    }

    /**
     * The timestamp this viewer got the packet with: squeezed when it came in the start burst, so a retransmission
     * matches the original (a different timestamp would keep the receiver from ever completing that picture).
     */
    long sentTimestamp(PacketHistory history, long index) {
        if (index < burstEnd && index >= startIndex && history.holds(startIndex)) {
            int frame = 0;
            for (long i = startIndex + 1; i <= index; i++) {
                if (history.timestamp(i) != history.timestamp(i - 1)) {
                    frame++;
                }
            }
            return burstTimestamp(frame);
        }
        return viewerTs(history.timestamp(index));
    }
}
