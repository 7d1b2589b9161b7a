package io.sightline.sfu.internal.publish;

import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import io.sightline.rtp.sdp.Direction;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.MediaDescription;
import io.sightline.rtp.sdp.RtpFormat;
import io.sightline.rtp.sdp.SessionDescription;
import io.sightline.rtp.sdp.ExtMap;
import io.sightline.rtp.sdp.Rid;
import io.sightline.rtp.sdp.Simulcast;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The server's side of a WHIP publisher's offer (RFC 9725 section 4.2): it takes the first sending video section
 * with H.264 in packetization mode 1, else VP8, else VP9 profile 0, else AV1 profile 0: the codec the most viewers
 * decode without transcoding comes first (decision 0049); a publisher told to send only VP9 or AV1 gets it. The SFU
 * passes the video through to viewers unchanged. Then the first sending audio
 * section with Opus, and answers them {@code recvonly} as an ICE-lite DTLS server, with NACK, PLI and REMB feedback
 * and no RTX (retransmissions then come on the media SSRC, so one sequence space per track). A video section with
 * {@code a=simulcast:send} and its {@code a=rid} lines is answered {@code a=simulcast:recv} with the same layers and
 * the mid and RTP stream id header extensions (decision 0048). Other sections are rejected with port 0. No I/O: every
 * refusal is tested without a socket.
 */
public final class PublisherNegotiation {
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** H.264 profiles in the order preferred: Constrained Baseline (every browser viewer decodes it), then others. */
    private static final List<String> H264_PREFERENCE = List.of("42e0", "4200", "4d00", "6400");

    /**
     * What one publisher session starts with.
     *
     * @param answerSdp          the SDP answer
     * @param ufrag              the server's ICE username fragment
     * @param pwd                the server's ICE password
     * @param video              the accepted H.264, VP8, VP9 or AV1 format, or null
     * @param audio              the accepted Opus format, or null
     * @param publisherFingerprint what the publisher's DTLS certificate must hash to
     */
    public record Answer(String answerSdp, String ufrag, String pwd, RtpFormat video, RtpFormat audio,
            Fingerprint publisherFingerprint, Layers layers) {
        /** Without simulcast. */
        public Answer(String answerSdp, String ufrag, String pwd, RtpFormat video, RtpFormat audio,
                Fingerprint publisherFingerprint) {
            this(answerSdp, ufrag, pwd, video, audio, publisherFingerprint, null);
        }
    }

    /**
     * The simulcast layers of an accepted video section (RFC 8853, decision 0048).
     *
     * @param rids         the layers' RTP stream ids in the offer's order (the first alternative of each)
     * @param ridExtension the id of the RTP stream id header extension in the publisher's packets
     */
    public record Layers(List<String> rids, int ridExtension) {
    }

    /**
     * Where a simulcast publisher's bandwidth estimate starts (Chromium reads it from the answer): a browser starts at
     * 300 kbit/s and, with REMB as its only feedback, raises its estimate by some 8 % a second, so its top layer
     * (sent only once the lower ones have their share) would stay off for the first 10-15 s. 1.5 Mbit/s carries
     * the three layers of a 720p camera at reduced rates from the start; REMB (6 Mbit/s) and losses still govern it.
     */
    static final String SIMULCAST_START = "x-google-start-bitrate=1500";

    /** The most simulcast layers taken from one publisher (browsers send three). */
    static final int MAX_LAYERS = 4;

    private final RandomGenerator random;

    /** {@code random} must be a SecureRandom in production: ICE passwords must not be guessable. */
    public PublisherNegotiation(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Answers a publisher's offer.
     *
     * @throws TransportException NOT_ACCEPTABLE when no section carries H.264 or Opus towards the server, or the offer
     *                            wants the server to be the DTLS client; MALFORMED_OFFER without a usable fingerprint
     */
    public Answer answer(SessionDescription offer, List<IceCandidate> candidates, Fingerprint fingerprint)
            throws TransportException {
        MediaDescription videoSection = null;
        MediaDescription audioSection = null;
        RtpFormat video = null;
        RtpFormat audio = null;
        for (MediaDescription m : offer.media()) {
            if (!sends(m)) {
                continue;
            }
            if (videoSection == null && "video".equals(m.kind())) {
                video = h264(m);
                if (video == null) {
                    video = vp8(m);
                }
                if (video == null) {
                    video = vp9(m);
                }
                if (video == null) {
                    video = av1(m);
                }
                videoSection = video == null ? null : m;
            } else if (audioSection == null && "audio".equals(m.kind())) {
                audio = opus(m);
                audioSection = audio == null ? null : m;
            }
        }
        if (videoSection == null && audioSection == null) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "the offer sends neither H.264"
                    + " (packetization-mode=1), VP8, VP9 (profile-id=0) or AV1 (profile=0) video nor Opus audio");
        }
        Layers layers = videoSection == null ? null : layers(videoSection, video);
        MediaDescription first = offer.media().get(0);
        if ("passive".equals(first.setup())) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "a=setup:passive offers are not supported: the "
                    + "server is the DTLS server");
        }
        Fingerprint publisher = first.fingerprint();
        if (publisher == null || !publisher.hashSupported()) {
            throw new TransportException(Reason.MALFORMED_OFFER, "bad a=fingerprint in offer");
        }
        String ufrag = token(8);
        String pwd = token(24);
        StringBuilder sdp = new StringBuilder(2048);
        line(sdp, "v=0");
        line(sdp, "o=- " + Math.abs(random.nextLong()) + " 2 IN IP4 127.0.0.1");
        line(sdp, "s=-");
        line(sdp, "t=0 0");
        line(sdp, "a=ice-lite");
        StringBuilder bundle = new StringBuilder("a=group:BUNDLE");
        for (MediaDescription m : offer.media()) {
            if (m == videoSection || m == audioSection) {
                bundle.append(' ').append(m.mid());
            }
        }
        line(sdp, bundle.toString());
        for (MediaDescription m : offer.media()) {
            if (m == videoSection) {
                accepted(sdp, m, video, layers == null ? "" : SIMULCAST_START, ufrag, pwd, fingerprint, candidates);
                if (layers != null) {
                    simulcast(sdp, m, layers);
                }
            } else if (m == audioSection) {
                accepted(sdp, m, audio, "", ufrag, pwd, fingerprint, candidates);
            } else {
                rejected(sdp, m, ufrag, pwd, fingerprint);
            }
        }
        return new Answer(sdp.toString(), ufrag, pwd, video, audio, publisher, layers);
    }

    /**
     * The simulcast layers a video section sends, checked (RFC 8851, 8853): null without {@code a=simulcast}. Every
     * refusal is MALFORMED_OFFER (400) naming what is wrong, before anything is allocated.
     */
    static Layers layers(MediaDescription m, RtpFormat video) throws TransportException {
        Simulcast simulcast = m.simulcast();
        if (simulcast == null) {
            return null; // a=rid lines alone only restrict one RTP stream: nothing to do for a receiver
        }
        if (simulcast.send().isEmpty() || !simulcast.recv().isEmpty()) {
            throw malformed("a=simulcast of a publisher must list what it sends ('a=simulcast:send l;m;h'), "
                    + "and nothing it receives");
        }
        if (simulcast.send().size() > MAX_LAYERS) {
            throw malformed("a=simulcast lists " + simulcast.send().size() + " layers; at most " + MAX_LAYERS
                    + " are taken");
        }
        Map<String, Rid> declared = new HashMap<>();
        for (Rid rid : m.rids()) {
            if (declared.put(rid.id(), rid) != null) {
                throw malformed("a=rid:" + rid.id() + " is declared twice");
            }
        }
        List<String> rids = new ArrayList<>();
        for (List<Simulcast.Stream> alternatives : simulcast.send()) {
            String id = alternatives.get(0).rid();
            Rid rid = declared.get(id);
            if (rid == null) {
                throw malformed("a=simulcast names rid '" + id + "', which no a=rid line declares");
            }
            if (!rid.direction().equals("send")) {
                throw malformed("a=rid:" + id + " is '" + rid.direction() + "' but a=simulcast sends it");
            }
            if (!rid.payloadTypes().isEmpty() && !rid.payloadTypes().contains(video.payloadType())) {
                throw malformed("a=rid:" + id + " is restricted to payload types " + rid.payloadTypes()
                        + ", none of which is the accepted " + video.encodingName() + " (" + video.payloadType()
                        + ")");
            }
            if (rids.contains(id)) {
                throw malformed("a=simulcast lists rid '" + id + "' twice");
            }
            rids.add(id);
        }
        ExtMap ridExtension = m.extMap(ExtMap.SDES_RTP_STREAM_ID);
        if (ridExtension == null) {
            throw malformed("a=simulcast needs the header extension " + ExtMap.SDES_RTP_STREAM_ID
                    + " (a=extmap) to tell the layers apart");
        }
        return new Layers(List.copyOf(rids), ridExtension.id());
    }

    private static TransportException malformed(String why) {
        return new TransportException(Reason.MALFORMED_OFFER, why);
    }

    /**
     * The simulcast part of the answer: the mid and RTP stream id extensions (and the repaired one, when offered) with
     * the offer's ids, each layer {@code recv}, and {@code a=simulcast:recv} in the offer's order.
     */
    private static void simulcast(StringBuilder sdp, MediaDescription m, Layers layers) {
        for (String uri : List.of(ExtMap.SDES_MID, ExtMap.SDES_RTP_STREAM_ID, ExtMap.SDES_REPAIRED_RTP_STREAM_ID)) {
            ExtMap e = m.extMap(uri);
            if (e != null) {
                line(sdp, "a=extmap:" + e.id() + " " + e.uri());
            }
        }
        for (String rid : layers.rids()) {
            line(sdp, "a=rid:" + rid + " recv");
        }
        line(sdp, "a=simulcast:recv " + String.join(";", layers.rids()));
    }

    private static boolean sends(MediaDescription m) {
        return m.isRtp() && m.mid() != null
                && (m.direction() == Direction.SENDONLY || m.direction() == Direction.SENDRECV);
    }

    /** The offered H.264 packetization-mode 1 format of the most widely decodable profile. */
    static RtpFormat h264(MediaDescription m) {
        RtpFormat best = null;
        int bestRank = Integer.MAX_VALUE;
        for (RtpFormat f : m.formats()) {
            if (!f.is("H264") || f.clockRate() != 90_000 || !"1".equals(f.fmtp("packetization-mode"))) {
                continue;
            }
            String plid = f.fmtp("profile-level-id");
            if (plid == null || !plid.matches("[0-9a-fA-F]{6}")) {
                continue;
            }
            int rank = H264_PREFERENCE.indexOf(plid.substring(0, 4).toLowerCase());
            rank = rank < 0 ? H264_PREFERENCE.size() : rank;
            if (rank < bestRank) {
                best = f;
                bestRank = rank;
            }
        }
        return best;
    }

    /** Offered VP8 at 90 kHz (RFC 7741), the first of them. */
    static RtpFormat vp8(MediaDescription m) {
        for (RtpFormat f : m.formats()) {
            if (f.is("VP8") && f.clockRate() == 90_000) {
                return f;
            }
        }
        return null;
    }

    /**
     * Offered VP9 of profile 0 (RFC 9628 section 6: {@code profile-id} absent means 0), the first of them. Profile 2
     * (10 bit) is not taken: fewer viewers decode it and the shared decoder's pictures are 8 bit.
     */
    static RtpFormat vp9(MediaDescription m) {
        return firstOfProfile(m, "VP9", "profile-id");
    }

    /** Offered AV1 of profile 0 (Main; {@code profile} absent means 0), the first of them. */
    static RtpFormat av1(MediaDescription m) {
        return firstOfProfile(m, "AV1", "profile");
    }

    private static RtpFormat firstOfProfile(MediaDescription m, String codec, String key) {
        for (RtpFormat f : m.formats()) {
            String profile = f.fmtp(key);
            if (f.is(codec) && f.clockRate() == 90_000 && (profile == null || "0".equals(profile.trim()))) {
                return f;
            }
        }
        return null;
    }

    static RtpFormat opus(MediaDescription m) {
        for (RtpFormat f : m.formats()) {
            if (f.is("opus") && f.clockRate() == 48_000 && f.channels() == 2) {
                return f;
            }
        }
        return null;
    }

    /**
     * @param fmtpExtra parameters appended to the format's fmtp line (empty: the offer's line as it is)
     */
    private static void accepted(StringBuilder sdp, MediaDescription m, RtpFormat f, String fmtpExtra, String ufrag,
            String pwd, Fingerprint fingerprint, List<IceCandidate> candidates) {
        IceCandidate udp = candidates.stream().filter(c -> c.transport().equals("udp")).findFirst()
                .orElse(candidates.isEmpty() ? null : candidates.get(0));
        String address = udp == null ? "0.0.0.0" : udp.address();
        line(sdp, "m=" + m.kind() + " " + (udp == null ? 9 : udp.port()) + " " + m.protocol() + " " + f.payloadType());
        line(sdp, "c=IN " + (address.contains(":") ? "IP6 " : "IP4 ") + address);
        line(sdp, "a=mid:" + m.mid());
        identity(sdp, ufrag, pwd, fingerprint);
        line(sdp, "a=recvonly");
        line(sdp, "a=rtcp-mux");
        if (m.rtcpRsize()) {
            line(sdp, "a=rtcp-rsize");
        }
        line(sdp, "a=rtpmap:" + f.rtpmapValue());
        List<String> feedback = new ArrayList<>();
        for (String fb : f.feedback()) {
            if (fb.equals("nack") || fb.equals("nack pli") || fb.equals("ccm fir") || fb.equals("goog-remb")) {
                feedback.add(fb);
            }
        }
        for (String fb : feedback) {
            line(sdp, "a=rtcp-fb:" + f.payloadType() + " " + fb);
        }
        String fmtp = f.fmtpLine().isEmpty() ? fmtpExtra
                : fmtpExtra.isEmpty() ? f.fmtpLine() : f.fmtpLine() + ";" + fmtpExtra;
        if (!fmtp.isEmpty()) {
            line(sdp, "a=fmtp:" + f.payloadType() + " " + fmtp);
        }
        for (IceCandidate c : candidates) {
            line(sdp, "a=" + c.toSdp());
        }
        line(sdp, "a=end-of-candidates");
    }

    /** Port 0 with the same identity lines as the accepted sections: some clients read them anyway (see rtp). */
    private static void rejected(StringBuilder sdp, MediaDescription m, String ufrag, String pwd,
            Fingerprint fingerprint) {
        line(sdp, "m=" + m.kind() + " 0 " + m.protocol() + " " + m.formatTokens().get(0));
        line(sdp, "c=IN IP4 0.0.0.0");
        if (m.mid() != null) {
            line(sdp, "a=mid:" + m.mid());
        }
        if (m.protocol().contains("TLS")) {
            identity(sdp, ufrag, pwd, fingerprint);
        }
        line(sdp, "a=inactive");
    }

    private static void identity(StringBuilder sdp, String ufrag, String pwd, Fingerprint fingerprint) {
        line(sdp, "a=ice-ufrag:" + ufrag);
        line(sdp, "a=ice-pwd:" + pwd);
        line(sdp, "a=fingerprint:" + fingerprint.toSdp());
        line(sdp, "a=setup:passive");
    }

    private String token(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String line) {
        sb.append(line).append("\r\n");
    }
}
