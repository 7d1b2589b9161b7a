package io.sightline.e2e;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.StringJoiner;

/**
 * Asks the server which transport answers a stream, without a browser: POSTs a browser-like receive-only VP8/H.264
 * offer (a fresh DTLS fingerprint, never connected) and deletes the session the answer created at once.
 */
final class WhepProbe {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final SecureRandom RANDOM = new SecureRandom();

    private WhepProbe() {
    }

    /** The server's answer to one probe offer for {@code stream}; a created session is already deleted. */
    static HttpResponse<String> post(SightlineServer server, String stream) throws IOException, InterruptedException {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(server.url("/whep/" + stream))
                .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer()))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 201) {
            String location = answer.headers().firstValue("Location").orElseThrow();
            HTTP.send(HttpRequest.newBuilder(server.url(location)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        return answer;
    }

    static String offer() {
        byte[] fp = new byte[32];
        RANDOM.nextBytes(fp);
        StringJoiner hex = new StringJoiner(":");
        for (byte b : fp) {
            hex.add(String.format("%02X", b));
        }
        return String.join("\r\n", "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                "a=group:BUNDLE 0", "a=msid-semantic: WMS", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102",
                "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:abcdefghijklmnopqrstuvwx",
                "a=ice-options:trickle", "a=fingerprint:sha-256 " + hex, "a=setup:actpass", "a=mid:0", "a=recvonly",
                "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96", "a=rtpmap:102 H264/90000",
                "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", "");
    }
}
