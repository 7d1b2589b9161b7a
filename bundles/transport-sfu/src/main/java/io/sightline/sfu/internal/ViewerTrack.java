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
    final MediaKind kind;
    final SdpAnswer.Negotiated negotiated;
    final RtpHeader header = new RtpHeader();
    /** Absolute history index of this viewer's first packet; -1 until the viewer started on this track. */
    long startIndex = -1;
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
}
