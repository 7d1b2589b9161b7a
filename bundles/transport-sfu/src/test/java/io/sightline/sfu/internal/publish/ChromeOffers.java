package io.sightline.sfu.internal.publish;

/** WHIP offers shaped like Chromium's (sendonly audio and video, BUNDLE, actpass), for the publish tests. */
final class ChromeOffers {
    private ChromeOffers() {
    }

    static final String FINGERPRINT = "a=fingerprint:sha-256 "
            + "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n";

    static String offer(String direction, String setup, boolean fingerprint, String videoFormats) {
        String ice = "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" + (fingerprint ? FINGERPRINT : "")
                + "a=setup:" + setup + "\r\n";
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n" + ice + "a=" + direction
                + "\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\na=ssrc:1111 cname:x\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF " + videoFormats + "\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n" + ice + "a="
                + direction + "\r\na=rtcp-mux\r\na=rtcp-rsize\r\n"
                + "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
                + "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 goog-remb\r\na=rtcp-fb:102 transport-cc\r\n"
                + "a=rtcp-fb:102 ccm fir\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
                + "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
                + "a=rtpmap:106 H264/90000\r\na=rtcp-fb:106 nack\r\na=rtcp-fb:106 nack pli\r\n"
                + "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtpmap:108 H264/90000\r\n"
                + "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
                + "a=rtpmap:98 VP9/90000\r\na=rtcp-fb:98 nack\r\na=rtcp-fb:98 nack pli\r\na=fmtp:98 profile-id=0\r\n"
                + "a=rtpmap:100 VP9/90000\r\na=rtcp-fb:100 nack pli\r\na=fmtp:100 profile-id=2\r\n"
                + "a=rtpmap:45 AV1/90000\r\na=rtcp-fb:45 nack\r\na=rtcp-fb:45 nack pli\r\n"
                + "a=fmtp:45 level-idx=5;profile=0;tier=0\r\n"
                + "a=rtpmap:35 AV1/90000\r\na=fmtp:35 level-idx=5;profile=1;tier=0\r\n"
                + "a=ssrc:2222 cname:x\r\n";
    }

    static String chrome() {
        return offer("sendonly", "actpass", true, "96 97 102 106 108");
    }
}
