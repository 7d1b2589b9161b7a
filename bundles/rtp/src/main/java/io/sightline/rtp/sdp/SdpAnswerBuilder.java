package io.sightline.rtp.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes the answer of an ICE-lite, DTLS-server, send-only SFU to a browser's offer (RFC 8829 section 5.3,
 * RFC 8843 BUNDLE, RFC 8839 ICE, RFC 5763 DTLS-SRTP).
 *
 * <p>Every accepted section gets: {@code a=ice-lite} (session level), the server's credentials and fingerprint,
 * {@code a=setup:passive}, {@code a=rtcp-mux}, {@code a=rtcp-rsize} when offered, {@code a=sendonly} (or
 * {@code a=inactive} when the offerer does not receive), the chosen codec's rtpmap/fmtp and the offered feedback it
 * supports, RTX when offered, one congestion control extension (transport-wide-cc by default, abs-send-time
 * otherwise) with the offer's id, playout-delay when offered, msid, ssrc lines and the candidates followed by
 * {@code a=end-of-candidates}. Sections not {@linkplain #accept accepted} are rejected with port 0 (RFC 3264
 * section 6): they keep the first offered format with its rtpmap, the mid, {@code a=inactive}, and the same ICE
 * credentials, fingerprint and setup as the accepted sections (no candidates), as libwebrtc writes them. RFC 3264
 * lets a receiver ignore the attributes of a rejected stream, but some clients read them anyway: GStreamer 1.22's
 * webrtcbin refuses an answer in which any section lacks a fingerprint ("No fingerprint lines in sdp for media 1")
 * or ICE credentials, and werift up to 0.22 negotiates codecs in every section and refuses one whose payload type
 * has no rtpmap ("negotiate codecs failed"), then starts ICE for it. The fingerprint stays at media level only: some
 * webrtcbin versions refuse a session-level fingerprint next to media-level ones.
 */
public final class SdpAnswerBuilder {
    /** Which bandwidth estimation feedback to negotiate when the offer has both. */
    public enum CongestionControl {
        /** transport-wide-cc extension and transport-cc feedback (send-side estimation). */
        TRANSPORT_CC,
        /** abs-send-time extension and goog-remb feedback (receive-side estimation). */
        REMB
    }

    private static final Set<String> SUPPORTED_FEEDBACK = Set.of("nack", "nack pli", "ccm fir");

    private final SessionDescription offer;
    private final Map<String, MediaAnswer> accepted = new HashMap<>();
    private final List<IceCandidate> candidates = new ArrayList<>();
    private String ufrag;
    private String pwd;
    private Fingerprint fingerprint;
    private CongestionControl congestionControl = CongestionControl.TRANSPORT_CC;
    private long sessionId = 1;

    /** An answer to {@code offer}, as returned by {@link SdpParser#parseOffer(String)}. */
    public SdpAnswerBuilder(SessionDescription offer) {
        this.offer = Objects.requireNonNull(offer, "offer");
    }

    /** The server's ICE username fragment and password (RFC 8839: at least 4 and 22 characters). */
    public SdpAnswerBuilder iceCredentials(String ufrag, String pwd) {
        if (ufrag == null || !ufrag.matches("[A-Za-z0-9+/]{4,256}") || pwd == null
                || !pwd.matches("[A-Za-z0-9+/]{22,256}")) {
            throw new IllegalArgumentException("ICE ufrag needs 4+ and pwd 22+ characters of [A-Za-z0-9+/]");
        }
        this.ufrag = ufrag;
        this.pwd = pwd;
        return this;
    }

    /** The server's DTLS certificate fingerprint (use {@link Fingerprint#sha256(byte[])}). */
    public SdpAnswerBuilder fingerprint(Fingerprint fingerprint) {
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        return this;
    }

    /** Adds a server candidate (see {@link IceCandidate#hostUdp} and {@link IceCandidate#hostTcpPassive}). */
    public SdpAnswerBuilder candidate(IceCandidate candidate) {
        candidates.add(Objects.requireNonNull(candidate, "candidate"));
        return this;
    }

    /** Which congestion control to prefer when the offer allows both; {@link CongestionControl#TRANSPORT_CC} by default. */
    public SdpAnswerBuilder congestionControl(CongestionControl preference) {
        this.congestionControl = Objects.requireNonNull(preference, "preference");
        return this;
    }

    /** The o= session id (a random positive number per session is customary). */
    public SdpAnswerBuilder sessionId(long sessionId) {
        this.sessionId = Math.abs(sessionId);
        return this;
    }

    /** Sends {@code answer} on the section with this mid. */
    public SdpAnswerBuilder accept(String mid, MediaAnswer answer) {
        accepted.put(Objects.requireNonNull(mid, "mid"), Objects.requireNonNull(answer, "answer"));
        return this;
    }

    /** Rejects the section with this mid (the default for sections not accepted). */
    public SdpAnswerBuilder reject(String mid) {
        accepted.remove(mid);
        return this;
    }

    /**
     * Writes the answer.
     *
     * @throws SdpException if credentials or fingerprint are missing, an accepted mid is not in the offer, or an
     *                      accepted codec's payload type is not offered in its section
     */
    public SdpAnswer build() throws SdpException {
        if (ufrag == null || fingerprint == null) {
            throw new SdpException("the answer needs ICE credentials and a DTLS fingerprint");
        }
        for (String mid : accepted.keySet()) {
            MediaDescription m = offer.media(mid);
            if (m == null) {
                throw new SdpException("accepted mid '" + mid + "' is not in the offer");
            }
            if (m.format(accepted.get(mid).codec().payloadType()) != accepted.get(mid).codec().format()) {
                throw new SdpException("payload type " + accepted.get(mid).codec().payloadType()
                        + " was not offered in mid '" + mid + "'");
            }
        }
        StringBuilder sdp = new StringBuilder(4096);
        line(sdp, "v=0");
        line(sdp, "o=- " + sessionId + " 2 IN IP4 127.0.0.1");
        line(sdp, "s=-");
        line(sdp, "t=0 0");
        line(sdp, "a=ice-lite");
        StringBuilder bundle = new StringBuilder("a=group:BUNDLE");
        for (MediaDescription m : offer.media) {
            if (accepted.containsKey(m.mid)) {
                bundle.append(' ').append(m.mid);
            }
        }
        if (!accepted.isEmpty()) {
            line(sdp, bundle.toString());
        }
        line(sdp, "a=msid-semantic: WMS *");
        List<SdpAnswer.Negotiated> negotiated = new ArrayList<>();
        for (MediaDescription m : offer.media) {
            MediaAnswer a = accepted.get(m.mid);
            negotiated.add(a == null ? rejectedSection(sdp, m) : acceptedSection(sdp, m, a));
        }
        return new SdpAnswer(sdp.toString(), List.copyOf(negotiated));
    }

    private SdpAnswer.Negotiated rejectedSection(StringBuilder sdp, MediaDescription m) {
        String format = m.formatTokens.get(0);
        line(sdp, "m=" + m.kind + " 0 " + m.protocol + " " + format);
        line(sdp, "c=IN IP4 0.0.0.0");
        if (m.mid != null) {
            line(sdp, "a=mid:" + m.mid);
        }
        if (m.protocol.contains("TLS")) { // UDP/TLS/RTP/SAVPF and UDP/DTLS/SCTP: DTLS sections of the bundle
            line(sdp, "a=ice-ufrag:" + ufrag);
            line(sdp, "a=ice-pwd:" + pwd);
            line(sdp, "a=fingerprint:" + fingerprint.toSdp());
            line(sdp, "a=setup:passive");
        }
        line(sdp, "a=inactive");
        RtpFormat echoed = format.matches("\\d{1,3}") ? m.format(Integer.parseInt(format)) : null;
        if (echoed != null && echoed.encodingName() != null) {
            line(sdp, "a=rtpmap:" + echoed.rtpmapValue());
        }
        return new SdpAnswer.Negotiated(m.mid == null ? "" : m.mid, false, -1, -1, 0, 0, 0, 0, 0, List.of(), false);
    }

    private SdpAnswer.Negotiated acceptedSection(StringBuilder sdp, MediaDescription m, MediaAnswer a) {
        CodecMatch codec = a.codec();
        IceCandidate defaultCandidate = candidates.stream().filter(c -> c.transport().equals("udp")).findFirst()
                .orElse(candidates.isEmpty() ? null : candidates.get(0));
        int port = defaultCandidate == null ? 9 : defaultCandidate.port();
        String address = defaultCandidate == null ? "0.0.0.0" : defaultCandidate.address();
        line(sdp, "m=" + m.kind + " " + port + " " + m.protocol + " " + codec.payloadType()
                + (codec.rtx() != null ? " " + codec.rtxPayloadType() : ""));
        line(sdp, "c=IN " + (address.contains(":") ? "IP6 " : "IP4 ") + address);
        line(sdp, "a=mid:" + m.mid);
        line(sdp, "a=ice-ufrag:" + ufrag);
        line(sdp, "a=ice-pwd:" + pwd);
        line(sdp, "a=fingerprint:" + fingerprint.toSdp());
        line(sdp, "a=setup:passive");
        line(sdp, m.direction().receives() ? "a=sendonly" : "a=inactive");
        line(sdp, "a=rtcp-mux");
        if (m.rtcpRsize) {
            line(sdp, "a=rtcp-rsize");
        }
        ExtMap transportCc = m.extMap(ExtMap.TRANSPORT_WIDE_CC);
        ExtMap absSendTime = m.extMap(ExtMap.ABS_SEND_TIME);
        boolean useTransportCc = transportCc != null
                && (congestionControl == CongestionControl.TRANSPORT_CC || absSendTime == null);
        ExtMap cc = useTransportCc ? transportCc : absSendTime;
        ExtMap playoutDelay = m.extMap(ExtMap.PLAYOUT_DELAY);

        List<String> feedback = new ArrayList<>();
        for (String fb : codec.format().feedback()) {
            if (SUPPORTED_FEEDBACK.contains(fb) || (fb.equals("transport-cc") && useTransportCc)
                    || (fb.equals("goog-remb") && cc != null && !useTransportCc)) {
                feedback.add(fb);
            }
        }
        line(sdp, "a=rtpmap:" + codec.format().rtpmapValue());
        for (String fb : feedback) {
            line(sdp, "a=rtcp-fb:" + codec.payloadType() + " " + fb);
        }
        String fmtp = codec.answerFmtp();
        if (!fmtp.isEmpty()) {
            line(sdp, "a=fmtp:" + codec.payloadType() + " " + fmtp);
        }
        if (codec.rtx() != null) {
            line(sdp, "a=rtpmap:" + codec.rtx().rtpmapValue());
            line(sdp, "a=fmtp:" + codec.rtxPayloadType() + " apt=" + codec.payloadType());
        }
        if (cc != null) {
            line(sdp, "a=extmap:" + cc.id() + " " + cc.uri());
        }
        if (playoutDelay != null) {
            line(sdp, "a=extmap:" + playoutDelay.id() + " " + playoutDelay.uri());
        }
        String msid = a.streamId() + " " + a.trackId();
        line(sdp, "a=msid:" + msid);
        long rtxSsrc = codec.rtx() != null ? a.rtxSsrc() : 0;
        if (rtxSsrc != 0) {
            line(sdp, "a=ssrc-group:FID " + a.ssrc() + " " + rtxSsrc);
        }
        ssrcLines(sdp, a.ssrc(), a.cname(), msid);
        if (rtxSsrc != 0) {
            ssrcLines(sdp, rtxSsrc, a.cname(), msid);
        }
        for (IceCandidate c : candidates) {
            line(sdp, "a=" + c.toSdp());
        }
        line(sdp, "a=end-of-candidates");
        return new SdpAnswer.Negotiated(m.mid, m.direction().receives(), codec.payloadType(), codec.rtxPayloadType(),
                a.ssrc(), rtxSsrc, cc != null && !useTransportCc ? cc.id() : 0, useTransportCc ? cc.id() : 0,
                playoutDelay == null ? 0 : playoutDelay.id(), List.copyOf(feedback), m.rtcpRsize);
    }

    private static void ssrcLines(StringBuilder sdp, long ssrc, String cname, String msid) {
        line(sdp, "a=ssrc:" + ssrc + " cname:" + cname);
        line(sdp, "a=ssrc:" + ssrc + " msid:" + msid);
    }

    private static void line(StringBuilder sb, String line) {
        sb.append(line).append("\r\n");
    }
}
