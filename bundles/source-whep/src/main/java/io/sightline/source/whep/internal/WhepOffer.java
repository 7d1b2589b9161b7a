package io.sightline.source.whep.internal;

import io.sightline.rtp.sdp.Fingerprint;
import java.security.SecureRandom;

/**
 * The SDP offer of a WHEP pull: one recvonly H.264 m-line (the profiles browsers offer, packetization mode 1) and
 * one recvonly Opus m-line, bundled, rtcp-mux, this side the DTLS client ({@code a=setup:active}) and the ICE
 * controlling agent; the one host candidate is where checks will come from.
 */
final class WhepOffer {
    static final String VIDEO_MID = "0";
    static final String AUDIO_MID = "1";
    /** Payload types of the offered H.264 profiles: constrained baseline, baseline, main, high (level 3.1). */
    private static final String[][] H264 = {{"102", "42e01f"}, {"104", "42001f"}, {"106", "4d001f"},
        {"108", "64001f"}};
    static final int OPUS_PT = 111;
    private static final String CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    final String ufrag;
    final String pwd;

    WhepOffer(SecureRandom random) {
        this.ufrag = token(random, 8);
        this.pwd = token(random, 24);
    }

    String sdp(Fingerprint fingerprint, String candidateAddress, int candidatePort) {
        StringBuilder sb = new StringBuilder();
        sb.append("v=0\r\n").append("o=- ").append(System.nanoTime() & Long.MAX_VALUE).append(" 2 IN IP4 127.0.0.1\r\n")
                .append("s=-\r\n").append("t=0 0\r\n")
                .append("a=group:BUNDLE ").append(VIDEO_MID).append(' ').append(AUDIO_MID).append("\r\n");
        StringBuilder pts = new StringBuilder();
        for (String[] h : H264) {
            pts.append(' ').append(h[0]);
        }
        media(sb, "video", pts.toString(), VIDEO_MID, fingerprint, candidateAddress, candidatePort);
        for (String[] h : H264) {
            sb.append("a=rtpmap:").append(h[0]).append(" H264/90000\r\n");
            sb.append("a=rtcp-fb:").append(h[0]).append(" nack\r\n");
            sb.append("a=rtcp-fb:").append(h[0]).append(" nack pli\r\n");
            sb.append("a=fmtp:").append(h[0]).append(" level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=")
                    .append(h[1]).append("\r\n");
        }
        media(sb, "audio", " " + OPUS_PT, AUDIO_MID, fingerprint, candidateAddress, candidatePort);
        sb.append("a=rtpmap:").append(OPUS_PT).append(" opus/48000/2\r\n");
        sb.append("a=fmtp:").append(OPUS_PT).append(" minptime=10;useinbandfec=1\r\n");
        return sb.toString();
    }

    private void media(StringBuilder sb, String kind, String pts, String mid, Fingerprint fingerprint,
            String address, int port) {
        sb.append("m=").append(kind).append(' ').append(port).append(" UDP/TLS/RTP/SAVPF").append(pts).append("\r\n")
                .append("c=IN IP4 ").append(address).append("\r\n")
                .append("a=mid:").append(mid).append("\r\n")
                .append("a=recvonly\r\n")
                .append("a=rtcp-mux\r\n")
                .append("a=ice-ufrag:").append(ufrag).append("\r\n")
                .append("a=ice-pwd:").append(pwd).append("\r\n")
                .append("a=fingerprint:").append(fingerprint.toSdp()).append("\r\n")
                .append("a=setup:active\r\n");
        if (VIDEO_MID.equals(mid)) {
            sb.append("a=candidate:1 1 udp 2130706431 ").append(address).append(' ').append(port)
                    .append(" typ host\r\n");
        }
        sb.append("a=end-of-candidates\r\n");
    }

    private static String token(SecureRandom random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(CHARS.charAt(random.nextInt(CHARS.length())));
        }
        return sb.toString();
    }
}
