package io.sightline.source.whep.internal;

import io.sightline.rtp.sdp.Fingerprint;
import io.sightline.rtp.sdp.IceCandidate;
import io.sightline.rtp.sdp.MediaDescription;
import io.sightline.rtp.sdp.RtpFormat;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What a pull needs from the endpoint's answer, checked: anything missing is a clear failure reason. */
record WhepAnswer(String iceUfrag, String icePwd, Fingerprint fingerprint, List<IceCandidate> candidates,
        RtpFormat video, RtpFormat audio) {

    static WhepAnswer parse(String sdp) throws SdpException {
        SessionDescription answer = SdpParser.parse(sdp);
        RtpFormat video = null;
        RtpFormat audio = null;
        String ufrag = null;
        String pwd = null;
        Fingerprint fingerprint = null;
        List<IceCandidate> candidates = new ArrayList<>();
        for (MediaDescription m : answer.media()) {
            if (m.port() == 0 || !m.isRtp()) {
                continue; // rejected m-line
            }
            if (video == null && "video".equals(m.kind())) {
                video = m.formats().stream().filter(f -> f.is("H264")).findFirst().orElse(null);
            } else if (audio == null && "audio".equals(m.kind())) {
                audio = m.formats().stream().filter(f -> f.is("opus")).findFirst().orElse(null);
            }
            ufrag = ufrag != null ? ufrag : m.iceUfrag();
            pwd = pwd != null ? pwd : m.icePwd();
            fingerprint = fingerprint != null ? fingerprint : m.fingerprint();
            if ("active".equals(m.setup())) {
                throw new SdpException("the answer wants to be the DTLS client (a=setup:active); this side is");
            }
            for (IceCandidate c : m.candidates()) {
                if ("udp".equalsIgnoreCase(c.transport()) && c.component() == 1 && !candidates.contains(c)) {
                    candidates.add(c);
                }
            }
        }
        if (video == null && audio == null) {
            throw new SdpException("the answer accepts neither H.264 video nor Opus audio");
        }
        if (ufrag == null || pwd == null) {
            throw new SdpException("the answer has no ice-ufrag/ice-pwd");
        }
        if (fingerprint == null || !fingerprint.hashSupported()) {
            throw new SdpException("the answer has no usable a=fingerprint");
        }
        if (candidates.isEmpty()) {
            throw new SdpException("the answer has no UDP candidate");
        }
        candidates.sort(Comparator.comparingLong(IceCandidate::priority).reversed());
        return new WhepAnswer(ufrag, pwd, fingerprint, List.copyOf(candidates), video, audio);
    }
}
