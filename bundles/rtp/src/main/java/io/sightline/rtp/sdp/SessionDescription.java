package io.sightline.rtp.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A parsed SDP document ({@link SdpParser}). Immutable once parsed.
 */
public final class SessionDescription {
    final List<MediaDescription> media = new ArrayList<>();
    final List<String> bundleMids = new ArrayList<>();
    String origin;
    String sessionName;
    boolean iceLite;
    boolean extmapAllowMixed;
    String sessionUfrag;
    String sessionPwd;
    Fingerprint sessionFingerprint;
    String sessionSetup;
    String control;

    SessionDescription() {
    }

    /** The m-sections in order. */
    public List<MediaDescription> media() {
        return Collections.unmodifiableList(media);
    }

    /** The m-section with this mid, or {@code null}. */
    public MediaDescription media(String mid) {
        for (MediaDescription m : media) {
            if (mid.equals(m.mid)) {
                return m;
            }
        }
        return null;
    }

    /** The mids of the first {@code a=group:BUNDLE}, in order; empty without one. */
    public List<String> bundleMids() {
        return Collections.unmodifiableList(bundleMids);
    }

    /** The session-level {@code a=control} URL (RFC 2326 C.1.1, RTSP), or {@code null}. */
    public String control() {
        return control;
    }

    /** The {@code o=} value. */
    public String origin() {
        return origin;
    }

    /** The {@code s=} value. */
    public String sessionName() {
        return sessionName;
    }

    /** Whether the author is an ICE-lite agent. */
    public boolean iceLite() {
        return iceLite;
    }

    /** Whether {@code a=extmap-allow-mixed} (one- and two-byte extensions mixed, RFC 8285) is present. */
    public boolean extmapAllowMixed() {
        return extmapAllowMixed;
    }
}
