package io.sightline.sfu.internal;

import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Track;
import io.sightline.api.transport.TransportException;
import io.sightline.api.transport.TransportException.Reason;
import io.sightline.rtp.sdp.CodecMatch;
import io.sightline.rtp.sdp.CodecMatcher;
import io.sightline.rtp.sdp.Direction;
import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.MediaAnswer;
import io.sightline.rtp.sdp.MediaDescription;
import io.sightline.rtp.sdp.SdpAnswer;
import io.sightline.rtp.sdp.SdpAnswerBuilder;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The SFU's side of one viewer's offer/answer: which m-lines of a WHEP offer it takes (the first receiving video and
 * audio section whose codec the stream has), what it answers (ICE-lite credentials, its candidates and DTLS
 * fingerprint, fresh SSRCs) and what the viewer session starts from (per-track rewriting state, the fingerprint the
 * viewer's certificate must have). The SDP syntax itself is rtp's ({@link SdpParser}, {@link SdpAnswerBuilder},
 * {@link CodecMatcher}); this class holds the SFU's choices. No I/O and no state but the random source, so every
 * refusal is tested without a socket.
 */
final class ViewerNegotiation {
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /**
     * What a negotiated viewer session starts with.
     *
     * @param answerSdp         the SDP answer for the WHEP response
     * @param ufrag             the server's ICE username fragment for this session
     * @param pwd               the server's ICE password for this session
     * @param cname             the RTCP CNAME of all its tracks
     * @param tracks            one per accepted m-line, in offer order, with the negotiated payload types, SSRCs
     *                          and extensions and random sequence and timestamp offsets
     * @param viewerFingerprint what the viewer's DTLS certificate must hash to
     */
    record Answer(String answerSdp, String ufrag, String pwd, String cname, List<ViewerTrack> tracks,
            Fingerprint viewerFingerprint) {
    }

    /** Fresh ICE credentials and the SDP fragment that announces them (ICE restart, RFC 8840 section 4.4). */
    record Restart(String ufrag, String pwd, String fragment) {
    }

    private final RandomGenerator random;

    /** {@code random} must be a SecureRandom in production: ICE passwords and SSRCs must not be guessable. */
    ViewerNegotiation(RandomGenerator random) {
        this.random = random;
    }

    /** Parses a WHEP offer; a malformed one is the client's error. */
    static SessionDescription parseOffer(String sdp) throws TransportException {
        try {
            return SdpParser.parseOffer(sdp);
        } catch (SdpException e) {
            throw new TransportException(Reason.MALFORMED_OFFER, "malformed SDP offer: " + e.getMessage());
        }
    }

    /**
     * Answers {@code offer} for a stream with {@code tracks}, as a server with {@code fingerprint} and
     * {@code candidates}.
     *
     * @throws TransportException NOT_ACCEPTABLE when no m-line fits the stream or the offer wants the server to be
     *                            the DTLS client; MALFORMED_OFFER when its fingerprint cannot check a certificate
     */
    Answer answer(SessionDescription offer, String streamName, List<Track> tracks, Fingerprint fingerprint,
            List<IceCandidate> candidates) throws TransportException {
        String cname = token(16);
        SdpAnswerBuilder answer = new SdpAnswerBuilder(offer).sessionId(random.nextLong());
        List<ViewerTrack> drafts = new ArrayList<>();
        List<String> mids = new ArrayList<>();
        boolean videoTaken = false;
        boolean audioTaken = false;
        for (MediaDescription m : offer.media()) {
            MediaKind kind = receivingKind(m);
            if (kind == null || (kind == MediaKind.VIDEO && videoTaken) || (kind == MediaKind.AUDIO && audioTaken)) {
                continue;
            }
            Optional<Track> track = tracks.stream().filter(t -> t.kind() == kind).findFirst();
            if (track.isEmpty()) {
                continue;
            }
            Optional<CodecMatch> match = CodecMatcher.match(m, track.get().parameters());
            if (match.isEmpty()) {
                continue;
            }
            long ssrc = ssrc();
            long rtxSsrc = match.get().rtxPayloadType() > 0 ? ssrc() : 0;
            answer.accept(m.mid(), new MediaAnswer(match.get(), ssrc, rtxSsrc, cname, streamName, kind.sdpName()));
            mids.add(m.mid());
            drafts.add(new ViewerTrack(track.get().id(), kind, null, random.nextInt(0x8000), random.nextInt(0x8000)));
            videoTaken |= kind == MediaKind.VIDEO;
            audioTaken |= kind == MediaKind.AUDIO;
        }
        if (mids.isEmpty()) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "the offer has no recvonly m-line with a codec of "
                    + "stream '" + streamName + "' (" + tracks.stream().map(t -> t.parameters().toString()).toList()
                    + ")");
        }
        if ("passive".equals(offer.media().get(0).setup())) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "a=setup:passive offers are not supported: the "
                    + "server is the DTLS server");
        }
        String ufrag = token(8);
        String pwd = token(24);
        answer.iceCredentials(ufrag, pwd).fingerprint(fingerprint);
        candidates.forEach(answer::candidate);
        SdpAnswer built;
        try {
            built = answer.build();
        } catch (SdpException e) {
            throw new TransportException(Reason.NOT_ACCEPTABLE, "cannot answer: " + e.getMessage());
        }
        Fingerprint viewer = offer.media().get(0).fingerprint();
        if (viewer == null || !viewer.hashSupported()) {
            throw new TransportException(Reason.MALFORMED_OFFER, "bad a=fingerprint in offer");
        }
        return new Answer(built.sdp(), ufrag, pwd, cname, negotiatedTracks(drafts, mids, built), viewer);
    }

    /** New ICE credentials and the fragment that announces them with the server's candidates. */
    Restart restart(List<IceCandidate> candidates) {
        String ufrag = token(8);
        String pwd = token(24);
        StringBuilder fragment = new StringBuilder();
        fragment.append("a=ice-lite\r\n").append("a=ice-ufrag:").append(ufrag).append("\r\n").append("a=ice-pwd:")
                .append(pwd).append("\r\n");
        for (IceCandidate c : candidates) {
            fragment.append("a=").append(c.toSdp()).append("\r\n");
        }
        fragment.append("a=end-of-candidates\r\n");
        return new Restart(ufrag, pwd, fragment.toString());
    }

    /** The kind of an RTP m-line the viewer receives on, or null for one the SFU has nothing to send on. */
    private static MediaKind receivingKind(MediaDescription m) {
        if (!m.isRtp() || m.direction() == Direction.SENDONLY || m.direction() == Direction.INACTIVE) {
            return null;
        }
        return switch (m.kind()) {
            case "video" -> MediaKind.VIDEO;
            case "audio" -> MediaKind.AUDIO;
            default -> null;
        };
    }

    /** The drafts with what the answer negotiated for their m-line, and a random timestamp offset each. */
    private List<ViewerTrack> negotiatedTracks(List<ViewerTrack> drafts, List<String> mids, SdpAnswer built) {
        List<ViewerTrack> tracks = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            ViewerTrack d = drafts.get(i);
            ViewerTrack vt = new ViewerTrack(d.trackId, d.kind, built.media(mids.get(i)), d.seqBase, d.rtxSeq);
            vt.tsOffset = random.nextInt() & 0xffffffffL;
            tracks.add(vt);
        }
        return List.copyOf(tracks);
    }

    /** A random SSRC; 0 is not one (RFC 3550 allows it, but SdpAnswerBuilder reads 0 as "none"). */
    private long ssrc() {
        long ssrc;
        do {
            ssrc = random.nextInt() & 0xffffffffL;
        } while (ssrc == 0);
        return ssrc;
    }

    private String token(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }
}
