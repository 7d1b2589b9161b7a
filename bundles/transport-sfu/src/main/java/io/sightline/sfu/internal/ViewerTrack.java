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

    ViewerTrack(int trackId, MediaKind kind, SdpAnswer.Negotiated negotiated, int seqBase, int rtxSeq) {
        this.trackId = trackId;
        this.kind = kind;
        this.negotiated = negotiated;
        this.seqBase = seqBase;
        this.rtxSeq = rtxSeq;
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
