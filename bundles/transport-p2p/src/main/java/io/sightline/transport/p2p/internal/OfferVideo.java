package io.sightline.transport.p2p.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a viewer's offer asks for on its first video m-line: whether it can receive video and which codecs it
 * carries. Read before any native object is created, so a hopeless offer is refused cheaply with the right status.
 *
 * @param present    the offer has a video m-line that is not rejected (port 0)
 * @param receives   its direction lets the server send (recvonly or sendrecv)
 * @param codecNames upper-case codec names in the offer's order (rtx, red, ulpfec included)
 */
record OfferVideo(boolean present, boolean receives, List<String> codecNames) {

    /** @throws IllegalArgumentException when the text is not an SDP offer */
    static OfferVideo parse(String sdp) {
        if (sdp == null || !sdp.startsWith("v=0")) {
            throw new IllegalArgumentException("not SDP");
        }
        boolean inVideo = false;
        boolean seen = false;
        boolean present = false;
        String direction = "sendrecv";
        Set<String> names = new LinkedHashSet<>();
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("m=")) {
                if (seen) {
                    break;
                }
                inVideo = line.startsWith("m=video ");
                if (inVideo) {
                    seen = true;
                    String[] parts = line.split(" ");
                    present = parts.length > 1 && !"0".equals(parts[1]);
                }
            } else if (inVideo) {
                if (line.startsWith("a=rtpmap:")) {
                    int space = line.indexOf(' ');
                    int slash = line.indexOf('/', space);
                    if (space > 0 && slash > space) {
                        names.add(line.substring(space + 1, slash).toUpperCase(Locale.ROOT));
                    }
                } else if (line.equals("a=recvonly") || line.equals("a=sendonly") || line.equals("a=inactive")
                        || line.equals("a=sendrecv")) {
                    direction = line.substring(2);
                }
            }
        }
        boolean receives = direction.equals("recvonly") || direction.equals("sendrecv");
        return new OfferVideo(present, receives, new ArrayList<>(names));
    }

    /** The preferred codecs (in preference order) that this offer carries. */
    List<String> common(List<String> preferred) {
        return preferred.stream().filter(codecNames::contains).toList();
    }
}
