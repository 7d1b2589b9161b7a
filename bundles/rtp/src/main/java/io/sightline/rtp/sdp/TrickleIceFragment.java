package io.sightline.rtp.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * A trickle ICE SDP fragment ({@code application/trickle-ice-sdpfrag}, RFC 8840 section 9), as a WHEP client PATCHes
 * it: ICE credentials, then per m-line its mid and new candidates, and possibly {@code a=end-of-candidates}.
 *
 * @param iceUfrag         the ICE username fragment (identifies the ICE session / restart), or {@code null}
 * @param icePwd           the ICE password, or {@code null}
 * @param candidates       candidates with the m-section they belong to
 * @param endOfCandidates  whether the peer has no more candidates
 */
public record TrickleIceFragment(String iceUfrag, String icePwd, List<Entry> candidates, boolean endOfCandidates) {

    /**
     * A candidate and its m-section.
     *
     * @param mid        the {@code a=mid} of its section, or {@code null} when the fragment has none
     * @param mLineIndex the index of its m-line within the fragment, or -1 outside any
     * @param candidate  the candidate
     */
    public record Entry(String mid, int mLineIndex, IceCandidate candidate) {
    }

    /** Parses a fragment; tolerates fragments without m-lines (candidates then have no mid). */
    public static TrickleIceFragment parse(String body) throws SdpException {
        if (body == null || body.isBlank()) {
            throw new SdpException("empty trickle ICE fragment");
        }
        if (body.length() > SdpParser.MAX_LENGTH) {
            throw new SdpException("trickle ICE fragment exceeds " + SdpParser.MAX_LENGTH + " characters");
        }
        String ufrag = null;
        String pwd = null;
        boolean end = false;
        List<Entry> entries = new ArrayList<>();
        List<Entry> pending = new ArrayList<>(); // candidates of the current m-line, waiting for its a=mid
        int mLine = -1;
        String mid = null;
        String[] lines = body.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int n = i + 1;
            if (l.isEmpty()) {
                continue;
            }
            if (l.length() > SdpParser.MAX_LINE_LENGTH || l.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                throw new SdpException("line " + n + ": too long or contains control characters");
            }
            if (l.startsWith("m=")) {
                flush(entries, pending, mid);
                mLine++;
                mid = null;
            } else if (l.startsWith("a=ice-ufrag:")) {
                ufrag = l.substring(12).trim();
            } else if (l.startsWith("a=ice-pwd:")) {
                pwd = l.substring(10).trim();
            } else if (l.startsWith("a=mid:")) {
                mid = l.substring(6).trim();
            } else if (l.startsWith("a=candidate:")) {
                try {
                    pending.add(new Entry(null, mLine, IceCandidate.parse(l.substring(2))));
                } catch (SdpException e) {
                    throw new SdpException("line " + n + ": " + e.getMessage());
                }
            } else if (l.equals("a=end-of-candidates")) {
                end = true;
            } else if (l.length() < 2 || l.charAt(1) != '=') {
                throw new SdpException("line " + n + ": not '<type>=<value>': " + SdpParser.abbreviate(l));
            }
        }
        flush(entries, pending, mid);
        return new TrickleIceFragment(ufrag, pwd, List.copyOf(entries), end);
    }

    private static void flush(List<Entry> entries, List<Entry> pending, String mid) {
        for (Entry e : pending) {
            entries.add(new Entry(mid, e.mLineIndex(), e.candidate()));
        }
        pending.clear();
    }
}
