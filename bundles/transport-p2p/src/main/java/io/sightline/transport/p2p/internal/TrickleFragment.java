package io.sightline.transport.p2p.internal;

import dev.onvoid.webrtc.RTCIceCandidate;
import java.util.ArrayList;
import java.util.List;

/** Candidates of an {@code application/trickle-ice-sdpfrag} body (RFC 8840), with the m-line each belongs to. */
final class TrickleFragment {
    private TrickleFragment() {
    }

    /** @throws IllegalArgumentException when the fragment is not SDP attribute lines */
    static List<RTCIceCandidate> candidates(String fragment) {
        if (fragment == null) {
            throw new IllegalArgumentException("empty fragment");
        }
        List<RTCIceCandidate> out = new ArrayList<>();
        String mid = "0";
        int index = -1;
        for (String raw : fragment.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new IllegalArgumentException("not an SDP line: " + line);
            }
            if (line.startsWith("m=")) {
                index++;
            } else if (line.startsWith("a=mid:")) {
                mid = line.substring("a=mid:".length());
            } else if (line.startsWith("a=candidate:")) {
                out.add(new RTCIceCandidate(mid, Math.max(index, 0), line.substring(2)));
            }
        }
        return out;
    }
}
