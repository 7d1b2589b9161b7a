package io.sightline.rtp.sdp;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses SDP (RFC 8866) as browsers write it for WebRTC (RFC 8829): session and media sections, rtpmap, fmtp,
 * rtcp-fb, extmap, ICE, DTLS, msid and ssrc attributes. Unknown lines and attributes are skipped. Anything malformed
 * raises an {@link SdpException} naming the line; no input makes it throw anything else.
 */
public final class SdpParser {
    /** Longest document accepted, in characters; a browser offer is a few kilobytes. */
    public static final int MAX_LENGTH = 128 * 1024;
    /** Longest line accepted, in characters. */
    public static final int MAX_LINE_LENGTH = 4096;
    private static final int MAX_MEDIA = 64;

    private SdpParser() {
    }

    /**
     * Parses a WebRTC offer and checks what an answer needs: at least one m-line, a mid on each, and ICE credentials
     * and a DTLS fingerprint for each section that is not rejected.
     */
    public static SessionDescription parseOffer(String sdp) throws SdpException {
        SessionDescription d = parse(sdp);
        validateForWebRtc(d);
        return d;
    }

    /** Parses any SDP document syntactically, without WebRTC checks. */
    public static SessionDescription parse(String sdp) throws SdpException {
        List<String> lines = lines(sdp);
        SessionDescription d = new SessionDescription();
        MediaDescription m = null;
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int n = i + 1;
            if (line.isEmpty()) {
                continue; // tolerate blank lines (some clients end with an extra CRLF)
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException("line " + n + ": not '<type>=<value>': " + abbreviate(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (first) {
                if (type != 'v' || !value.equals("0")) {
                    throw new SdpException("line " + n + ": SDP must start with v=0, found " + abbreviate(line));
                }
                first = false;
                continue;
            }
            switch (type) {
                case 'o' -> d.origin = value;
                case 's' -> d.sessionName = value;
                case 'm' -> {
                    if (d.media.size() == MAX_MEDIA) {
                        throw new SdpException("line " + n + ": more than " + MAX_MEDIA + " m-lines");
                    }
                    m = mediaLine(value, d.media.size(), n);
                    d.media.add(m);
                }
                case 'a' -> attribute(d, m, value, n);
                default -> {
                    // c=, t=, b=, i=... carry nothing an ICE/DTLS answerer needs
                }
            }
        }
        if (first) {
            throw new SdpException("empty SDP");
        }
        for (MediaDescription md : d.media) {
            inheritSessionLevel(d, md);
        }
        return d;
    }

    private static List<String> lines(String sdp) throws SdpException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpException("empty SDP");
        }
        if (sdp.length() > MAX_LENGTH) {
            throw new SdpException("SDP of " + sdp.length() + " characters exceeds the limit of " + MAX_LENGTH);
        }
        String[] raw = sdp.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
            if (l.length() > MAX_LINE_LENGTH) {
                throw new SdpException("line " + (i + 1) + ": " + l.length() + " characters exceeds the limit of "
                        + MAX_LINE_LENGTH);
            }
            for (int k = 0; k < l.length(); k++) {
                char c = l.charAt(k);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c == '\uFFFD') {
                    throw new SdpException("line " + (i + 1) + ": control or invalid character 0x"
                            + Integer.toHexString(c) + " at column " + (k + 1));
                }
            }
            raw[i] = l;
        }
        return Arrays.asList(raw);
    }

    private static MediaDescription mediaLine(String value, int index, int n) throws SdpException {
        String[] t = value.trim().split(" +");
        if (t.length < 4) {
            throw new SdpException("line " + n + ": m-line needs '<media> <port> <proto> <fmt> ...': m=" + value);
        }
        String portToken = t[1].contains("/") ? t[1].substring(0, t[1].indexOf('/')) : t[1];
        int port = number(portToken, 0, 65535, n, "port");
        List<String> formats = List.of(Arrays.copyOfRange(t, 3, t.length));
        MediaDescription m = new MediaDescription(index, t[0], port, t[2], formats);
        if (m.isRtp()) {
            for (String f : formats) {
                int pt = number(f, 0, 127, n, "payload type");
                m.formats.putIfAbsent(pt, new RtpFormat(pt));
            }
        }
        return m;
    }

    private static void attribute(SessionDescription d, MediaDescription m, String value, int n)
            throws SdpException {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        String v = colon < 0 ? "" : value.substring(colon + 1);
        switch (name) {
            case "group" -> {
                if (v.startsWith("BUNDLE") && d.bundleMids.isEmpty()) {
                    d.bundleMids.addAll(Arrays.asList(v.substring(6).trim().split(" +")));
                    d.bundleMids.remove("");
                }
            }
            case "ice-lite" -> d.iceLite = true;
            case "control" -> {
                if (m == null) {
                    d.control = v.trim();
                } else {
                    m.control = v.trim();
                }
            }
            case "extmap-allow-mixed" -> d.extmapAllowMixed = true;
            case "ice-ufrag" -> {
                String u = iceChars(v, 4, n, "ice-ufrag");
                if (m == null) {
                    d.sessionUfrag = u;
                } else {
                    m.iceUfrag = u;
                }
            }
            case "ice-pwd" -> {
                String p = iceChars(v, 22, n, "ice-pwd");
                if (m == null) {
                    d.sessionPwd = p;
                } else {
                    m.icePwd = p;
                }
            }
            case "fingerprint" -> {
                Fingerprint f = Fingerprint.parse(v, n);
                if (m == null) {
                    d.sessionFingerprint = f;
                } else if (m.fingerprint == null || !"sha-256".equals(m.fingerprint.algorithm())) {
                    m.fingerprint = f; // several are allowed; keep sha-256 when there is one
                }
            }
            case "setup" -> {
                String s = v.trim();
                if (!Set.of("actpass", "active", "passive", "holdconn").contains(s)) {
                    throw new SdpException("line " + n + ": unknown setup role '" + s + "'");
                }
                if (m == null) {
                    d.sessionSetup = s;
                } else {
                    m.setup = s;
                }
            }
            default -> {
                if (m != null) {
                    mediaAttribute(m, name, v, n);
                }
            }
        }
    }

    private static void mediaAttribute(MediaDescription m, String name, String v, int n) throws SdpException {
        switch (name) {
            case "mid" -> {
                if (v.isBlank() || v.length() > 32) {
                    throw new SdpException("line " + n + ": mid must be 1-32 characters");
                }
                m.mid = v.trim();
            }
            case "sendrecv", "sendonly", "recvonly", "inactive" -> m.direction = Direction.fromAttribute(name);
            case "rtcp-mux" -> m.rtcpMux = true;
            case "rtcp-rsize" -> m.rtcpRsize = true;
            case "bundle-only" -> m.bundleOnly = true;
            case "end-of-candidates" -> m.endOfCandidates = true;
            case "msid" -> m.msid = v.trim();
            case "candidate" -> m.candidates.add(candidate(v, n));
            case "rtpmap" -> rtpmap(m, v, n);
            case "fmtp" -> {
                int sp = v.indexOf(' ');
                RtpFormat f = sp < 0 ? null : format(m, v.substring(0, sp), n);
                if (sp < 0) {
                    throw new SdpException("line " + n + ": fmtp needs '<payload type> <parameters>'");
                }
                if (f != null) {
                    f.setFmtp(v.substring(sp + 1).trim());
                }
            }
            case "rtcp-fb" -> rtcpFb(m, v, n);
            case "extmap" -> m.extMaps.add(extmap(v, n));
            case "ssrc" -> m.ssrcs.add(ssrc(v, n));
            case "ssrc-group" -> m.ssrcGroups.add(v.trim());
            case "rid" -> m.rids.add(rid(v, n));
            case "simulcast" -> {
                if (m.simulcast != null) {
                    throw new SdpException("line " + n + ": a second simulcast line in one section");
                }
                m.simulcast = simulcast(v, n);
            }
            default -> {
                // ice-options, msid-semantic, sctp-port, ...: not needed for the answer
            }
        }
    }

    private static IceCandidate candidate(String v, int n) throws SdpException {
        try {
            return IceCandidate.parse(v);
        } catch (SdpException e) {
            throw new SdpException("line " + n + ": " + e.getMessage());
        }
    }

    private static void rtpmap(MediaDescription m, String v, int n) throws SdpException {
        String[] t = v.trim().split(" +");
        if (t.length != 2) {
            throw new SdpException("line " + n + ": rtpmap needs '<payload type> <encoding>/<clock rate>'");
        }
        RtpFormat f = format(m, t[0], n);
        String[] enc = t[1].split("/");
        if (enc.length < 2 || enc.length > 3 || enc[0].isEmpty()) {
            throw new SdpException("line " + n + ": rtpmap encoding must be '<name>/<rate>[/<channels>]': " + t[1]);
        }
        int rate = number(enc[1], 1, 10_000_000, n, "clock rate");
        int channels = enc.length == 3 ? number(enc[2], 1, 255, n, "channel count") : 1;
        if (f != null) {
            f.rtpmap(enc[0], rate, channels);
        }
    }

    /** The format for a payload type listed on the m-line; {@code null} (ignored) for one that is not listed. */
    private static RtpFormat format(MediaDescription m, String token, int n) throws SdpException {
        int pt = number(token, 0, 127, n, "payload type");
        return m.formats.get(pt);
    }

    private static void rtcpFb(MediaDescription m, String v, int n) throws SdpException {
        int sp = v.indexOf(' ');
        if (sp < 0) {
            throw new SdpException("line " + n + ": rtcp-fb needs '<payload type> <type> [<subtype>]'");
        }
        String fb = v.substring(sp + 1).trim().replaceAll(" +", " ");
        String pt = v.substring(0, sp);
        if (pt.equals("*")) {
            for (RtpFormat f : m.formats.values()) {
                f.addFeedback(fb);
            }
            return;
        }
        RtpFormat f = format(m, pt, n);
        if (f != null) {
            f.addFeedback(fb);
        }
    }

    private static ExtMap extmap(String v, int n) throws SdpException {
        String[] t = v.trim().split(" +");
        if (t.length < 2) {
            throw new SdpException("line " + n + ": extmap needs '<id>[/<direction>] <uri>'");
        }
        String idToken = t[0];
        String direction = null;
        int slash = idToken.indexOf('/');
        if (slash >= 0) {
            direction = idToken.substring(slash + 1);
            idToken = idToken.substring(0, slash);
        }
        return new ExtMap(number(idToken, 1, 255, n, "extmap id"), direction, t[1]);
    }

    /** {@code a=rid:<id> send|recv [pt=1,2;max-width=...]} (RFC 8851 section 10). */
    private static Rid rid(String v, int n) throws SdpException {
        String[] t = v.trim().split(" +", 3);
        if (t.length < 2) {
            throw new SdpException("line " + n + ": rid needs '<id> send|recv [<restrictions>]'");
        }
        if (!Rid.validId(t[0])) {
            throw new SdpException("line " + n + ": rid id '" + abbreviate(t[0]) + "' is not 1-" + Rid.MAX_ID_LENGTH
                    + " letters, digits, '-' or '_'");
        }
        if (!t[1].equals("send") && !t[1].equals("recv")) {
            throw new SdpException("line " + n + ": rid direction must be send or recv, not '" + abbreviate(t[1])
                    + "'");
        }
        List<Integer> pts = new java.util.ArrayList<>();
        StringBuilder others = new StringBuilder();
        if (t.length == 3) {
            for (String part : t[2].trim().split(";")) {
                if (part.startsWith("pt=")) {
                    for (String pt : part.substring(3).split(",")) {
                        pts.add(number(pt, 0, 127, n, "rid payload type"));
                    }
                } else if (!part.isBlank()) {
                    if (part.indexOf('=') <= 0) {
                        throw new SdpException("line " + n + ": rid restriction '" + abbreviate(part)
                                + "' is not '<name>=<value>'");
                    }
                    others.append(others.length() == 0 ? "" : ";").append(part.trim());
                }
            }
        }
        return new Rid(t[0], t[1], List.copyOf(pts), others.toString());
    }

    /** {@code a=simulcast:send <list> [recv <list>]}, a list being {@code a;b,c;~d} (RFC 8853 section 5.1). */
    private static Simulcast simulcast(String v, int n) throws SdpException {
        String[] t = v.trim().split(" +");
        if (t.length != 2 && t.length != 4) {
            throw new SdpException("line " + n + ": simulcast needs 'send|recv <streams> [recv|send <streams>]'");
        }
        List<List<Simulcast.Stream>> send = List.of();
        List<List<Simulcast.Stream>> recv = List.of();
        for (int i = 0; i < t.length; i += 2) {
            List<List<Simulcast.Stream>> list = simulcastList(t[i + 1], n);
            if (t[i].equals("send") && send.isEmpty()) {
                send = list;
            } else if (t[i].equals("recv") && recv.isEmpty()) {
                recv = list;
            } else {
                throw new SdpException("line " + n + ": simulcast direction '" + abbreviate(t[i])
                        + "' is not send or recv, or given twice");
            }
        }
        return new Simulcast(send, recv);
    }

    private static List<List<Simulcast.Stream>> simulcastList(String text, int n) throws SdpException {
        List<List<Simulcast.Stream>> streams = new java.util.ArrayList<>();
        for (String alternatives : text.split(";", -1)) {
            List<Simulcast.Stream> one = new java.util.ArrayList<>();
            for (String entry : alternatives.split(",", -1)) {
                boolean paused = entry.startsWith("~");
                String id = paused ? entry.substring(1) : entry;
                if (!Rid.validId(id)) {
                    throw new SdpException("line " + n + ": simulcast stream '" + abbreviate(entry)
                            + "' is not a rid");
                }
                one.add(new Simulcast.Stream(id, paused));
            }
            streams.add(List.copyOf(one));
        }
        return List.copyOf(streams);
    }

    private static SsrcAttribute ssrc(String v, int n) throws SdpException {
        int sp = v.indexOf(' ');
        if (sp < 0) {
            throw new SdpException("line " + n + ": ssrc needs '<ssrc> <attribute>[:<value>]'");
        }
        String idToken = v.substring(0, sp);
        if (idToken.isEmpty() || idToken.length() > 10 || !idToken.chars().allMatch(Character::isDigit)
                || Long.parseLong(idToken) > 0xffffffffL) {
            throw new SdpException("line " + n + ": ssrc '" + abbreviate(idToken) + "' is not a 32-bit number");
        }
        String attr = v.substring(sp + 1);
        int colon = attr.indexOf(':');
        return new SsrcAttribute(Long.parseLong(idToken), colon < 0 ? attr : attr.substring(0, colon),
                colon < 0 ? null : attr.substring(colon + 1));
    }

    private static String iceChars(String v, int minLength, int n, String what) throws SdpException {
        String s = v.trim();
        // RFC 8839 section 5.4: ice-char = ALPHA / DIGIT / "+" / "/", at most 256 characters
        if (s.length() < minLength || s.length() > 256 || !s.matches("[A-Za-z0-9+/]+")) {
            throw new SdpException("line " + n + ": " + what + " must be " + minLength
                    + "-256 characters of [A-Za-z0-9+/]: '" + abbreviate(s) + "'");
        }
        return s;
    }

    private static int number(String s, int min, int max, int n, String what) throws SdpException {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SdpException("line " + n + ": " + what + " '" + abbreviate(s) + "' is not a number");
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new SdpException("line " + n + ": " + what + " " + v + " is outside " + min + "-" + max);
        }
        return v;
    }

    private static void inheritSessionLevel(SessionDescription d, MediaDescription m) {
        if (m.iceUfrag == null) {
            m.iceUfrag = d.sessionUfrag;
        }
        if (m.icePwd == null) {
            m.icePwd = d.sessionPwd;
        }
        if (m.fingerprint == null) {
            m.fingerprint = d.sessionFingerprint;
        }
        if (m.setup == null) {
            m.setup = d.sessionSetup;
        }
    }

    private static void validateForWebRtc(SessionDescription d) throws SdpException {
        if (d.media.isEmpty()) {
            throw new SdpException("offer has no m-line");
        }
        Set<String> mids = new HashSet<>();
        for (MediaDescription m : d.media) {
            if (m.mid == null) {
                throw new SdpException(m.describe() + " has no a=mid");
            }
            if (!mids.add(m.mid)) {
                throw new SdpException(m.describe() + " repeats mid '" + m.mid + "'");
            }
            if (m.port == 0 && !m.bundleOnly) {
                continue; // rejected by the offerer itself
            }
            if (m.iceUfrag == null) {
                throw new SdpException(m.describe() + " has no a=ice-ufrag at media or session level");
            }
            if (m.icePwd == null) {
                throw new SdpException(m.describe() + " has no a=ice-pwd at media or session level");
            }
            if (m.fingerprint == null) {
                throw new SdpException(m.describe() + " has no a=fingerprint at media or session level");
            }
            if (m.isRtp() && m.formats.values().stream().allMatch(f -> f.encodingName() == null)) {
                throw new SdpException(m.describe() + " has no a=rtpmap for any of its payload types");
            }
        }
        for (String mid : d.bundleMids) {
            if (!mids.contains(mid)) {
                throw new SdpException("BUNDLE group names mid '" + mid + "' that no m-line has");
            }
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
