package io.sightline.rtp.srtp;

/**
 * What one SRTP direction remembers about one SSRC: the rollover counter and highest sequence number (for the packet
 * index, RFC 3711 section 3.3.1 and Appendix A), and the replay windows of SRTP and SRTCP.
 */
final class SsrcState {
    final int ssrc;
    private boolean started;
    private int roc;
    private int highestSeq;
    final ReplayWindow rtpWindow = new ReplayWindow();
    final ReplayWindow rtcpWindow = new ReplayWindow();
    /** Next SRTCP index to send for this SSRC. */
    int nextRtcpIndex;

    SsrcState(int ssrc) {
        this.ssrc = ssrc;
    }

    /** The 48-bit packet index a sequence number most likely belongs to (RFC 3711 Appendix A). */
    long estimateIndex(int seq) {
        if (!started) {
            return seq;
        }
        long v;
        if (highestSeq < 32768) {
            v = seq - highestSeq > 32768 ? roc - 1L : roc;
        } else {
            v = highestSeq - 32768 > seq ? roc + 1L : roc;
        }
        if (v < 0) {
            // A packet from "before" ROC 0 cannot exist; treat it as ROC 0 so it fails authentication or the window.
            v = 0;
        }
        return ((v & 0xffffffffL) << 16) | seq;
    }

    /** Records an index as sent or authenticated; moves ROC and the highest sequence number forward only. */
    void update(long index) {
        long current = ((roc & 0xffffffffL) << 16) | highestSeq;
        if (!started || index > current) {
            started = true;
            roc = (int) (index >>> 16);
            highestSeq = (int) (index & 0xffff);
        }
    }

    int rollover() {
        return roc;
    }
}
