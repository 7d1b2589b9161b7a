package io.sightline.sfu.internal;

import io.sightline.api.media.MediaKind;
import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import io.sightline.rtp.cc.BandwidthEstimator;
import io.sightline.rtp.rtcp.NtpTime;
import io.sightline.rtp.rtcp.ReportBlock;
import io.sightline.rtp.rtcp.RtcpHandler;
import io.sightline.rtp.rtcp.RtcpParser;
import io.sightline.rtp.rtcp.RtcpWriter;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.TrickleIceFragment;
import io.sightline.rtp.srtp.SrtpContext;
import io.sightline.rtp.srtp.SrtpException;
import io.sightline.rtp.srtp.SrtpSession;
import io.sightline.sfu.internal.dtls.DtlsListener;
import io.sightline.sfu.internal.dtls.DtlsSession;
import io.sightline.sfu.internal.dtls.DtlsSrtpKeys;
import io.sightline.sfu.internal.dtls.PacketSender;
import io.sightline.sfu.internal.ice.IcePath;
import io.sightline.sfu.internal.ice.IceSession;
import io.sightline.sfu.internal.ice.IceSessionListener;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One viewer of the SFU: its ICE session, DTLS handshake, SRTP contexts and per-track header rewriting. The stream's
 * fan-out thread calls {@link #send} for every packet; NACKs and keyframe requests arrive on the ICE thread. The only
 * lock is this viewer's own send lock (its SRTP context is not thread-safe), never shared with other viewers.
 */
final class SfuViewerSession implements ViewerSession, FanoutViewer, IceSessionListener, DtlsListener, RtcpHandler,
        ProbePacer.Target {
    private static final Logger LOG = LoggerFactory.getLogger(SfuViewerSession.class);
    private static final int BUFFER = 1600;

    private final String id;
    private final String streamName;
    private final String remoteAddress;
    private final long created = System.currentTimeMillis();
    private final SetupTimeline setup = new SetupTimeline(System.nanoTime());
    private final SfuTransport transport;
    /** The fan-out this viewer's media comes from; changes when it moves to another rung (under the send lock). */
    private volatile StreamFanout fanout;
    private volatile List<ViewerTrack> tracks;
    /** A move to another rung waiting for that rung's keyframe: its fan-out and this viewer's tracks there. */
    private volatile StreamFanout nextFanout;
    private volatile List<ViewerTrack> nextTracks;
    /** The pending move holds back the current rung's video until the switch (send lock). */
    private boolean holdingVideo;
    /** The retransmission counts of the tracks left at earlier moves: {resent, repeats ignored, not resendable}. */
    private final long[] retiredRetransmits = new long[3];
    /** Switches between rungs from the estimate; null when the viewer has nowhere to move. */
    private volatile ViewerAdaptation adaptation;
    private final String cname;
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sendLock = new Object();
    private final byte[] sendBuf = new byte[BUFFER];
    private final ByteBuffer sendView = ByteBuffer.wrap(sendBuf);
    private final byte[] rtcpBuf = new byte[BUFFER];
    /** The retransmission plan of one RTCP compound (RTCP thread only). */
    private final long[] plannedResends = new long[RetransmitPlanner.MAX_BATCH];
    private final KeyframeRequestGate keyframeGate = new KeyframeRequestGate();
    /** Transport-wide sequence number -> history packet (allocated only when a track negotiated transport-cc). */
    private volatile SentPacketMap sentPackets;
    /** Packets repaired because transport-wide feedback reported them missing (RTCP thread). */
    private long feedbackRepairs;
    private final byte[] ext = new byte[4];

    private volatile IceSession ice;
    /** Where media goes: the ICE session's selected path; non-blocking, false when the packet was dropped. */
    private volatile PacketSender path = packet -> false;
    private volatile DtlsSession dtls;
    private volatile String answerSdp;
    private final PlayoutDelay playoutDelay;
    /** The playout delay in this viewer's packets: the configured one, raised while its link is lossy. */
    private volatile PlayoutDelay sentPlayoutDelay;
    /** A lossy second keeps the link counted lossy this long (no flapping of the delay or of doubled repairs). */
    static final long LOSSY_HOLD_NANOS = 10_000_000_000L;
    private long lossyUntilNanos;
    private volatile String state = "new";
    /** Why the session ended, when it ended on its own; becomes part of the final state ("closed: ..."). */
    private volatile String endReason;
    private SrtpContext outbound;
    private SrtpContext inbound;
    private int transportSeq;
    private long lastReportNanos;
    /**
     * The viewer's link loses enough (its receiver reports, or the NACKs per packet sent over the last second) that
     * each retransmission goes out twice: a lost repair costs the viewer another round trip, most of a freeze.
     */
    private volatile boolean lossyLink;
    private long nacksAtReport;
    private long sentAtReport;
    /** Loss above which retransmissions are doubled (1%: at 2% loss a doubled repair is lost 1 time in 2500). */
    static final double LOSSY_LINK = 0.01;

    // statistics (written by one thread each, read by anyone)
    private volatile long packetsSent;
    private volatile long bytesSent;
    private volatile long packetsDropped;
    private volatile long packetsLost;
    private volatile double fractionLost;
    private volatile double jitterMs;
    private volatile double rttMs = -1;
    private volatile long nacks;
    private volatile long keyframeRequests;
    /** How much reaches this viewer, from its transport-wide feedback, REMB or receiver reports (rtp.cc). */
    private final BandwidthEstimator bandwidth = new BandwidthEstimator();
    /** The transport-wide sequence number of the packet being sent, -1 when it carries none (send lock). */
    private int sendingTransportSeq = -1;
    /** The probe cluster the packet being sent belongs to, -1 for media and repairs (send lock). */
    private int sendingCluster = -1;
    /** Bytes of probe packets sent (written under the send lock): not part of what the viewer's rung sends. */
    private volatile long probeBytes;

    SfuViewerSession(String id, String streamName, String remoteAddress, SfuTransport transport, StreamFanout fanout,
            List<ViewerTrack> tracks, String cname, PlayoutDelay playoutDelay) {
        this.id = id;
        this.playoutDelay = playoutDelay;
        this.sentPlayoutDelay = playoutDelay;
        this.streamName = streamName;
        this.remoteAddress = remoteAddress;
        this.transport = transport;
        this.fanout = fanout;
        this.tracks = tracks;
        this.cname = cname;
        boolean transportCc = false;
        for (int i = 0; i < tracks.size(); i++) {
            tracks.get(i).position = i;
            transportCc |= tracks.get(i).negotiated != null && tracks.get(i).negotiated.transportCcId() > 0;
        }
        this.sentPackets = transportCc ? new SentPacketMap() : null;
    }

    void attach(IceSession iceSession, DtlsSession dtlsSession, String answer) {
        attach(iceSession::send, iceSession, dtlsSession, answer);
    }

    /** As {@link #attach(IceSession, DtlsSession, String)} with media sent through {@code sender}. */
    void attach(PacketSender sender, IceSession iceSession, DtlsSession dtlsSession, String answer) {
        this.path = sender;
        this.ice = iceSession;
        this.dtls = dtlsSession;
        this.answerSdp = answer;
    }

    @Override
    public List<ViewerTrack> tracks(StreamFanout from) {
        if (from == fanout) {
            return tracks;
        }
        List<ViewerTrack> next = nextTracks;
        return next != null && from == nextFanout ? next : List.of();
    }

    /** This viewer's tracks on the fan-out it is sent from now. */
    List<ViewerTrack> tracks() {
        return tracks;
    }

    void adaptation(ViewerAdaptation a) {
        this.adaptation = a;
    }

    ViewerAdaptation adaptation() {
        return adaptation;
    }

    /**
     * Starts moving this viewer to {@code target} (another rung of its stream): the target sends it from its next
     * video keyframe (which it asks its encoder for), and at that packet the viewer leaves its current fan-out, its
     * tracks keeping their SSRCs, sequence numbers and timestamps continuous (decision 0039). Until then the viewer
     * goes on receiving its current rung. Returns false when a move is already under way or the viewer is closed.
     */
    boolean moveTo(StreamFanout target) {
        return moveTo(target, false);
    }

    /**
     * As {@link #moveTo(StreamFanout)}; with {@code holdVideo} the current rung's video is no longer sent while the
     * viewer waits for the target's keyframe (its audio is): for a viewer whose link carries less than half of its
     * rung (decision 0052), what the rung sends meanwhile is mostly lost and only fills the queue in front of the
     * keyframe, which then arrives late or partly lost, and the picture freezes after the move.
     */
    boolean moveTo(StreamFanout target, boolean holdVideo) {
        synchronized (sendLock) {
            if (closed.get() || nextFanout != null || target == fanout) {
                return false;
            }
            List<ViewerTrack> next = new java.util.ArrayList<>();
            for (ViewerTrack t : tracks) {
                next.add(t.successor());
            }
            nextTracks = List.copyOf(next);
            nextFanout = target;
            holdingVideo = holdVideo;
        }
        target.spliceIn(this);
        return true;
    }

    /**
     * The move takes effect (under the send lock, at the target's first keyframe packet): the target's tracks become
     * this viewer's, the old ones are retired so a packet the old fan-out is still sending is dropped, and the
     * transport-wide map starts afresh (its history indices belonged to the old fan-out). Returns the fan-out left.
     */
    private StreamFanout promote() {
        StreamFanout old = fanout;
        for (ViewerTrack t : tracks) {
            t.retired = true;
            retiredRetransmits[0] += t.retransmits.planned;
            retiredRetransmits[1] += t.retransmits.deduplicated;
            retiredRetransmits[2] += t.retransmits.unrecoverable + t.retransmits.overBudget;
        }
        tracks = nextTracks;
        fanout = nextFanout;
        nextTracks = null;
        nextFanout = null;
        holdingVideo = false;
        if (sentPackets != null) {
            sentPackets = new SentPacketMap();
        }
        ViewerAdaptation a = adaptation;
        if (a != null) {
            a.moved(fanout);
        }
        return old;
    }

    /** Calls off a pending move (its target sent no keyframe); false when none was pending. */
    boolean cancelMove() {
        StreamFanout target;
        synchronized (sendLock) {
            target = nextFanout;
            if (target == null) {
                return false;
            }
            nextFanout = null;
            nextTracks = null;
            holdingVideo = false;
        }
        target.leave(this);
        transport.moved(this, target);
        return true;
    }

    /** The fan-out a move is waiting on, or null. */
    StreamFanout nextFanout() {
        return nextFanout;
    }

    // ---- media out (fan-out thread) -----------------------------------------------------------------------------

    /** Whether DTLS is done and packets can be sent. */
    @Override
    public boolean ready() {
        return outbound != null && !closed.get();
    }

    /** Rewrites one packet of the stream for this viewer, encrypts and sends it. */
    @Override
    public void send(ViewerTrack track, PacketHistory history, long index, long viewerTs) {
        StreamFanout left = null;
        synchronized (sendLock) {
            if (closed.get() || track.retired) {
                return;
            }
            if (track.predecessor != null) {
                List<ViewerTrack> next = nextTracks;
                if (next != null && next.contains(track)) {
                    if (track.kind != MediaKind.VIDEO) {
                        return; // the target's audio waits for its video: one switch point for both
                    }
                    left = promote(); // the target rung's keyframe: the move happens here
                } else if (!tracks.contains(track)) {
                    return;
                }
                track.continueFrom(index, history.timestamp(index));
                viewerTs = track.viewerTs(history.timestamp(index));
            }
            if (holdingVideo && track.kind == MediaKind.VIDEO && left == null) {
                return; // the old rung during an urgent move: the successor's sequence goes on from the last sent
            }
            int len = history.length(index);
            int seq = track.viewerSeq(index);
            int headerLength = writeHeader(track, seq, viewerTs, history.marker(index), index);
            System.arraycopy(history.payload(index), 0, sendBuf, headerLength, len);
            if (!history.stillHolds(index)) {
                return;
            }
            track.packetsSent++;
            track.octetsSent += len;
            track.lastStreamTs = history.timestamp(index);
            track.lastCaptureMillis = history.captureTime(index);
            track.lastSentSeq = seq;
            track.lastSentIndex = index;
            transmit(headerLength + len);
            if (!setup.firstPacketSent() && setup.firstPacket(System.nanoTime()) && SetupTimeline.LOG.isDebugEnabled()) {
                SetupTimeline.LOG.debug("Session {} of '{}' setup ms after the answer: {}", id, streamName,
                        setup.summary());
            }
        }
        if (left != null) {
            left.leave(this);
            transport.moved(this, left);
        }
    }

    @Override
    public void admitted() {
        setup.admitted(System.nanoTime());
    }

    private int writeHeader(ViewerTrack track, int seq, long viewerTs, boolean marker, long index) {
        var n = track.negotiated;
        var h = track.header.clear();
        sendingTransportSeq = -1;
        h.payloadType(n.payloadType()).sequenceNumber(seq).timestamp(viewerTs).ssrc(n.ssrc()).marker(marker);
        if (n.absSendTimeId() > 0) {
            long t = ((System.nanoTime() / 1000) << 18) / 1_000_000;
            ext[0] = (byte) (t >> 16);
            ext[1] = (byte) (t >> 8);
            ext[2] = (byte) t;
            h.setExtension(n.absSendTimeId(), ext, 0, 3);
        }
        if (n.transportCcId() > 0) {
            int s = transportSeq++;
            sentPackets.sent(s, track.position, index);
            sendingTransportSeq = s & 0xffff;
            ext[0] = (byte) (s >> 8);
            ext[1] = (byte) s;
            h.setExtension(n.transportCcId(), ext, 0, 2);
        }
        PlayoutDelay delay = sentPlayoutDelay;
        if (n.playoutDelayId() > 0 && track.kind == MediaKind.VIDEO && delay.sent()) {
            delay.write(ext, 0);
            h.setExtension(n.playoutDelayId(), ext, 0, 3);
        }
        return h.write(sendBuf, 0);
    }

    /** Protects and sends the packet in the send buffer; its size on the wire, or -1 when it was dropped. */
    private int transmit(int length) {
        try {
            int protectedLength = outbound.protectRtp(sendBuf, 0, length);
            sendView.clear().limit(protectedLength);
            if (path.send(sendView)) {
                packetsSent++;
                bytesSent += protectedLength;
                if (sendingCluster >= 0) {
                    probeBytes += protectedLength;
                    bandwidth.probeSent(sendingTransportSeq, protectedLength, sendingCluster, System.nanoTime() / 1000);
                } else if (sendingTransportSeq >= 0) {
                    bandwidth.packetSent(sendingTransportSeq, protectedLength, System.nanoTime() / 1000);
                }
                return protectedLength;
            }
            packetsDropped++;
            return -1;
        } catch (SrtpException e) {
            packetsDropped++;
            LOG.debug("SRTP protect failed for session {}", id, e);
            return -1;
        } finally {
            sendingTransportSeq = -1;
            sendingCluster = -1;
        }
    }

    /** Sends sender reports about once a second (A/V sync and RTT); called on the fan-out thread. */
    @Override
    public void maybeSendReports(long nowNanos) {
        if (nowNanos - lastReportNanos < 1_000_000_000L) {
            return;
        }
        lastReportNanos = nowNanos;
        long nacked = nacks;
        long sent = packetsSent;
        if (isLossy(fractionLost, nacked - nacksAtReport, sent - sentAtReport)) {
            lossyUntilNanos = nowNanos + LOSSY_HOLD_NANOS;
        }
        lossyLink = nowNanos - lossyUntilNanos < 0;
        sentPlayoutDelay = playoutDelay.forLink(lossyLink, rttMs);
        nacksAtReport = nacked;
        sentAtReport = sent;
        synchronized (sendLock) {
            if (closed.get() || outbound == null) {
                return;
            }
            long now = System.currentTimeMillis();
            for (ViewerTrack t : tracks) {
                if (!t.started() || t.packetsSent == 0) {
                    continue;
                }
                int clock = t.kind == MediaKind.VIDEO ? 90_000 : 48_000;
                long streamTsNow = t.lastStreamTs + (now - t.lastCaptureMillis) * clock / 1000;
                int off = RtcpWriter.writeSenderReport(sendBuf, 0, t.negotiated.ssrc(), NtpTime.fromEpochMillis(now),
                        t.viewerTs(streamTsNow), t.packetsSent, t.octetsSent);
                off += RtcpWriter.writeSdesCname(sendBuf, off, t.negotiated.ssrc(), cname);
                try {
                    int len = outbound.protectRtcp(sendBuf, 0, off);
                    sendView.clear().limit(len);
                    path.send(sendView);
                } catch (SrtpException e) {
                    LOG.debug("SRTCP protect failed for session {}", id, e);
                }
            }
        }
    }

    // ---- ICE and DTLS callbacks ---------------------------------------------------------------------------------

    @Override
    public void onPathSelected(IceSession session, IcePath path) {
        setup.firstCheck(System.nanoTime());
        state = "connecting";
        LOG.debug("Session {}: ICE path {} {}", id, path.protocol(), path.remoteAddress());
    }

    @Override
    public void onDtls(IceSession session, ByteBuffer datagram) {
        setup.dtlsStart(System.nanoTime());
        DtlsSession d = dtls;
        if (d != null) {
            d.onDatagram(datagram);
        }
    }

    @Override
    public void onRtcp(IceSession session, ByteBuffer packet) {
        SrtpContext in = inbound;
        int len = packet.remaining();
        if (in == null || len > rtcpBuf.length) {
            return;
        }
        // One ICE receive thread delivers RTCP for all sessions, so this buffer is never used concurrently.
        packet.get(rtcpBuf, 0, len);
        try {
            int plain = in.unprotectRtcp(rtcpBuf, 0, len);
            RtcpParser.parse(rtcpBuf, 0, plain, this);
            rtcpParsed(System.nanoTime());
        } catch (SrtpException e) {
            LOG.debug("Session {}: dropped undecryptable RTCP ({})", id, e.getMessage());
        }
        resendNacked(System.nanoTime());
    }

    /** A compound RTCP packet was parsed: the transport-wide feedback it carried, if any, is complete. */
    void rtcpParsed(long nowNanos) {
        bandwidth.feedbackComplete(nowNanos / 1000);
        ViewerAdaptation a = adaptation;
        if (a != null && outbound != null) {
            a.onEstimate(System.currentTimeMillis(), bandwidth.estimateBps(), bytesSent - probeBytes, fractionLost);
        }
    }

    /** Whether a link with this reported loss, or this many NACKed packets per packet sent, counts as lossy. */
    static boolean isLossy(double fractionLost, long nackedPackets, long sentPackets) {
        return fractionLost >= LOSSY_LINK || (sentPackets > 0 && nackedPackets >= LOSSY_LINK * sentPackets);
    }

    boolean lossyLink() {
        return lossyLink;
    }

    PlayoutDelay sentPlayoutDelay() {
        return sentPlayoutDelay;
    }

    /** Resends what the NACKs of the compound just parsed asked for, as each track's {@link RetransmitPlanner} says. */
    void resendNacked(long nowNanos) {
        for (ViewerTrack t : tracks) {
            if (!t.retransmits.hasRequests()) {
                continue;
            }
            PacketHistory history = fanout.history(t);
            if (history == null) {
                t.retransmits.plan(PacketHistory.EMPTY, nowNanos, 0, 1, plannedResends);
                continue;
            }
            int copies = lossyLink ? 2 : 1;
            t.retransmits.pace(Math.max(bandwidth.estimateBps(), bandwidth.acknowledgedBps()));
            int n = t.retransmits.plan(history, nowNanos, RetransmitPlanner.holdOffNanos(rttMs), copies,
                    plannedResends);
            for (int c = 0; c < copies; c++) {
                for (int i = 0; i < n; i++) {
                    resend(t, history, plannedResends[i]);
                }
            }
        }
    }

    @Override
    public void onConsentExpired(IceSession session) {
        LOG.info("Session {} of '{}': viewer stopped answering consent checks; closing", id, streamName);
        endReason = "consent expired";
        close();
    }

    @Override
    public void onHandshakeComplete(DtlsSession session, DtlsSrtpKeys keys) {
        setup.dtlsDone(System.nanoTime());
        var profile = keys.profile();
        SrtpSession srtp = SrtpSession.fromDtlsKeyingMaterial(profile, keys.keyingMaterial(), SrtpSession.Role.SERVER);
        IceSession i = ice;
        LOG.info("Session {} of '{}' connected ({}, {})", id, streamName, profile,
                i == null || i.selectedPath() == null ? "?" : i.selectedPath().protocol());
        startMedia(srtp);
    }

    /** Keys are agreed: from now on the fan-out sends this viewer media. */
    void startMedia(SrtpSession srtp) {
        synchronized (sendLock) {
            inbound = srtp.inbound();
            outbound = srtp.outbound();
        }
        state = "connected";
        fanout.join(this);
    }

    @Override
    public void onHandshakeFailed(DtlsSession session, Exception cause) {
        LOG.info("Session {} of '{}': DTLS handshake failed: {}", id, streamName, cause.getMessage());
        endReason = "DTLS handshake failed";
        close();
    }

    @Override
    public void onClosed(DtlsSession session) {
        LOG.info("Session {} of '{}': viewer closed DTLS", id, streamName);
        endReason = "viewer closed DTLS";
        close();
    }

    // ---- RTCP from the viewer (ICE thread) ----------------------------------------------------------------------

    @Override
    public void onReportBlock(long senderSsrc, ReportBlock block) {
        fractionLost = block.fractionLost() / 256.0;
        packetsLost = block.cumulativeLost();
        ViewerTrack t = trackBySsrc(block.ssrc());
        int clock = t != null && t.kind == MediaKind.AUDIO ? 48_000 : 90_000;
        jitterMs = block.jitter() * 1000.0 / clock;
        long rtt = block.rttMillis(NtpTime.compact(NtpTime.fromEpochMillis(System.currentTimeMillis())));
        if (rtt >= 0) {
            rttMs = rtt;
        }
        if (t != null && t.kind == MediaKind.VIDEO) {
            bandwidth.receiverReport(block.fractionLost(), bytesSent, rtt >= 0 ? rtt * 1000 : -1,
                    System.nanoTime() / 1000);
        }
    }

    @Override
    public void onNack(long senderSsrc, long mediaSsrc, int sequenceNumber) {
        nacks++;
        ViewerTrack t = trackBySsrc(mediaSsrc);
        if (t != null) {
            // Collected for the whole compound, then planned at once (dedup, keyframe first, budget).
            t.retransmits.request(fanout.historyIndex(t, sequenceNumber));
        }
    }

    /** Resends a packet this viewer lost (NACK), as RTX when negotiated. Runs on the ICE thread. */
    void resend(ViewerTrack track, PacketHistory history, long index) {
        synchronized (sendLock) {
            if (closed.get() || outbound == null || !track.started() || index < track.startIndex) {
                return;
            }
            if (holdingVideo && track.kind == MediaKind.VIDEO) {
                return; // an urgent move: the left rung's pictures are given up, the target's keyframe comes next
            }
            var n = track.negotiated;
            int len = history.length(index);
            long ts = track.sentTimestamp(history, index);
            int seq = track.viewerSeq(index);
            int payloadOffset = n.rtxPayloadType() > 0 && n.rtxSsrc() != 0
                    ? writeRtxHeader(track, history, index, ts, seq)
                    : writeHeader(track, seq, ts, history.marker(index), index);
            System.arraycopy(history.payload(index), 0, sendBuf, payloadOffset, len);
            if (history.stillHolds(index)) {
                transmit(payloadOffset + len);
            }
        }
    }

    /** Writes the RTX header and original sequence number of a resend into the send buffer; the payload's offset. */
    private int writeRtxHeader(ViewerTrack track, PacketHistory history, long index, long ts, int seq) {
        var n = track.negotiated;
        var h = track.header.clear();
        h.payloadType(n.rtxPayloadType()).sequenceNumber(track.rtxSeq++ & 0xffff).timestamp(ts)
                .ssrc(n.rtxSsrc()).marker(history.marker(index));
        if (n.transportCcId() > 0) {
            // Repairs share the link: counted by the bandwidth estimate like the media (as libwebrtc does).
            int s = transportSeq++;
            sendingTransportSeq = s & 0xffff;
            ext[0] = (byte) (s >> 8);
            ext[1] = (byte) s;
            h.setExtension(n.transportCcId(), ext, 0, 2);
        }
        int headerLength = h.write(sendBuf, 0);
        sendBuf[headerLength] = (byte) (seq >> 8);
        sendBuf[headerLength + 1] = (byte) seq;
        return headerLength + 2;
    }

    // ---- probes (decision 0044) ---------------------------------------------------------------------------------

    /**
     * Whether this viewer can be probed: its video has RTX and transport-wide feedback. A probe packet is the last
     * video packet the viewer got, again, as RTX (libwebrtc's payload padding): a valid packet the browser drops as a
     * duplicate after its transport-wide sequence number has been reported, with no sequence number of the media
     * taken (padding on the media SSRC would need one, shifting every later packet's number).
     */
    boolean canProbe() {
        return probeTrack() != null;
    }

    private ViewerTrack probeTrack() {
        for (ViewerTrack t : tracks) {
            var n = t.negotiated;
            if (t.kind == MediaKind.VIDEO && n.rtxPayloadType() > 0 && n.rtxSsrc() != 0 && n.transportCcId() > 0) {
                return t;
            }
        }
        return null;
    }

    /** A new probe cluster of this viewer's estimator, to be sent at {@code targetBps}: its id. */
    int startProbe(long targetBps) {
        return bandwidth.startProbe(targetBps);
    }

    /** What probe cluster {@code cluster} showed: -1 while awaited, 0 for a failed probe, else bits per second. */
    long probeResultBps(int cluster) {
        return bandwidth.probeResultBps(cluster);
    }

    /** One packet of a probe cluster (the probe thread): the last video packet sent, repeated as RTX. */
    @Override
    public int sendProbePacket(int cluster) {
        synchronized (sendLock) {
            if (closed.get() || outbound == null || nextFanout != null) {
                return -1; // a move under way: the tracks are about to change
            }
            ViewerTrack t = probeTrack();
            PacketHistory history = t == null ? null : fanout.history(t);
            long index = t == null ? -1 : t.lastSentIndex;
            if (history == null || index < 0 || !history.holds(index)) {
                return -1;
            }
            int len = history.length(index);
            int payloadOffset = writeRtxHeader(t, history, index, t.sentTimestamp(history, index), t.viewerSeq(index));
            System.arraycopy(history.payload(index), 0, sendBuf, payloadOffset, len);
            if (!history.stillHolds(index)) {
                sendingTransportSeq = -1;
                return -1;
            }
            sendingCluster = cluster;
            return transmit(payloadOffset + len);
        }
    }

    @Override
    public void probeEnded(int cluster, int packets) {
        bandwidth.probeEnded(cluster, packets, System.nanoTime() / 1000);
    }

    /**
     * A packet the viewer's transport-wide feedback reports missing (a later one arrived): repaired like a NACKed
     * one, in the same plan (a NACK for it too, within the hold-off, is not answered twice).
     */
    @Override
    public void onTransportCcStatus(int transportSequence, boolean received) {
        SentPacketMap map = sentPackets;
        if (received || map == null) {
            return;
        }
        bandwidth.packetLost(transportSequence);
        long index = map.index(transportSequence);
        int position = map.track(transportSequence);
        if (index >= 0 && position >= 0 && position < tracks.size()) {
            ViewerTrack t = tracks.get(position);
            if (t.started() && index >= t.startIndex) {
                feedbackRepairs++;
                t.retransmits.request(index);
            }
        }
    }

    @Override
    public void onTransportCcArrival(int transportSequence, long arrivalMicros) {
        bandwidth.packetArrived(transportSequence, arrivalMicros);
    }

    @Override
    public void onPli(long senderSsrc, long mediaSsrc) {
        keyframeRequests++;
        keyframeRequested(System.nanoTime());
    }

    @Override
    public void onFir(long senderSsrc, long mediaSsrc, int sequenceNumber) {
        keyframeRequests++;
        keyframeRequested(System.nanoTime());
    }

    /** A PLI or FIR: passed on to the source unless this viewer's losses are still being repaired. */
    void keyframeRequested(long nowNanos) {
        boolean started = false;
        long lastResend = 0;
        long lastUnrecoverable = 0;
        for (ViewerTrack t : tracks) {
            if (t.kind == MediaKind.VIDEO) {
                started |= t.started();
                lastResend = Math.max(lastResend, t.retransmits.lastPlannedNanos);
                lastUnrecoverable = Math.max(lastUnrecoverable, t.retransmits.lastUnrecoverableNanos);
            }
        }
        if (keyframeGate.forward(nowNanos, started, lastResend, lastUnrecoverable,
                KeyframeRequestGate.repairNanos(rttMs))) {
            fanout.keyframeRequested();
        }
    }

    @Override
    public void onRemb(long senderSsrc, long bitrateBps, long[] ssrcs) {
        bandwidth.remb(bitrateBps, System.nanoTime() / 1000);
    }

    @Override
    public void onBye(long ssrc) {
        LOG.debug("Session {}: viewer sent RTCP BYE", id);
    }

    private ViewerTrack trackBySsrc(long ssrc) {
        for (ViewerTrack t : tracks) {
            if (t.negotiated.ssrc() == ssrc) {
                return t;
            }
        }
        return null;
    }

    // ---- ViewerSession ------------------------------------------------------------------------------------------

    @Override
    public String id() {
        return id;
    }

    @Override
    public String streamName() {
        return streamName;
    }

    /** The fan-out this viewer is sent from: the stream's own, or one of its renditions'. */
    StreamFanout fanout() {
        return fanout;
    }

    @Override
    public String transportMode() {
        return "sfu";
    }

    @Override
    public String answerSdp() {
        return answerSdp;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public long createdMillis() {
        return created;
    }

    @Override
    public String state() {
        return state;
    }

    @Override
    public void addRemoteCandidates(String sdpFragment) {
        try {
            TrickleIceFragment.parse(sdpFragment);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        // ICE-lite: the server learns the viewer's addresses from its connectivity checks, so candidates are
        // validated and otherwise ignored (RFC 8838 allows a lite agent to do so).
    }

    @Override
    public String restartIce(String sdpFragment) {
        TrickleIceFragment fragment;
        try {
            fragment = TrickleIceFragment.parse(sdpFragment);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (fragment.iceUfrag() == null || fragment.icePwd() == null) {
            throw new IllegalArgumentException("ICE restart needs ice-ufrag and ice-pwd");
        }
        return transport.restartIce(this, ice);
    }

    @Override
    public ViewerStats stats() {
        return new ViewerStats(packetsSent, bytesSent, packetsDropped, packetsLost, fractionLost, jitterMs, rttMs, nacks,
                keyframeRequests, bandwidth.estimateBps(), bandwidth.source().label(), renditionKey());
    }

    /** What the viewer is sent now (the rung after a move has taken effect), for listings and the overlay. */
    private String renditionKey() {
        StreamFanout f = fanout;
        if (f == null) {
            return null;
        }
        return f.rendition() == null ? ViewerStats.SOURCE : f.rendition().key();
    }

    @Override
    public void onClosed(Runnable listener) {
        closeListeners.add(listener);
        if (closed.get()) {
            listener.run();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        state = endReason == null ? "closed" : "closed: " + endReason;
        fanout.leave(this);
        StreamFanout next = nextFanout;
        if (next != null) {
            next.leave(this);
        }
        DtlsSession d = dtls;
        if (d != null) {
            d.close();
        }
        transport.sessionClosed(this, ice);
        for (Runnable r : closeListeners) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("Close listener of session {} failed", id, e);
            }
        }
        long resent;
        long deduplicated;
        long unrecoverable;
        synchronized (sendLock) { // a move's promote adds to the retired counts under it
            resent = retiredRetransmits[0];
            deduplicated = retiredRetransmits[1];
            unrecoverable = retiredRetransmits[2];
        }
        for (ViewerTrack t : tracks) {
            resent += t.retransmits.planned;
            deduplicated += t.retransmits.deduplicated;
            unrecoverable += t.retransmits.unrecoverable + t.retransmits.overBudget;
        }
        ViewerAdaptation a = adaptation;
        LOG.info("Session {} of '{}' closed ({} packets sent, {} dropped; {} NACKed, {} resent, {} repeats ignored, {} "
                + "not resendable; {} missing in transport-wide feedback; {} keyframe requests, {} held back; {} rung "
                + "moves, {} probes)", id, streamName, packetsSent, packetsDropped, nacks, resent, deduplicated,
                unrecoverable, feedbackRepairs, keyframeRequests, keyframeGate.held, a == null ? 0 : a.moves(),
                a == null ? 0 : a.probesSent());
    }
}
