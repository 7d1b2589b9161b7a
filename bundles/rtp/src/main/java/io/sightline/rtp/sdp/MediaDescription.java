package io.sightline.rtp.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One m-section of a parsed SDP. ICE credentials, fingerprint and setup role are the effective ones: the media-level
 * value, or the session-level one when the section has none.
 */
public final class MediaDescription {
    final int index;
    final String kind;
    final int port;
    final String protocol;
    final List<String> formatTokens;
    final Map<Integer, RtpFormat> formats = new LinkedHashMap<>();
    final List<ExtMap> extMaps = new ArrayList<>();
    final List<SsrcAttribute> ssrcs = new ArrayList<>();
    final List<String> ssrcGroups = new ArrayList<>();
    final List<IceCandidate> candidates = new ArrayList<>();
    final List<Rid> rids = new ArrayList<>();
    Simulcast simulcast;
    String mid;
    Direction direction;
    String iceUfrag;
    String icePwd;
    Fingerprint fingerprint;
    String setup;
    String msid;
    boolean rtcpMux;
    boolean rtcpRsize;
    boolean endOfCandidates;
    boolean bundleOnly;
    String control;

    MediaDescription(int index, String kind, int port, String protocol, List<String> formatTokens) {
        this.index = index;
        this.kind = kind;
        this.port = port;
        this.protocol = protocol;
        this.formatTokens = List.copyOf(formatTokens);
    }

    /** Position among the m-sections, from 0. */
    public int index() {
        return index;
    }

    /** The media-level {@code a=control} URL (RFC 2326 C.1.1, RTSP: absolute or relative), or {@code null}. */
    public String control() {
        return control;
    }

    /** {@code audio}, {@code video}, {@code application}, ... */
    public String kind() {
        return kind;
    }

    /** The port of the m-line (0 means rejected or bundle-only). */
    public int port() {
        return port;
    }

    /** The transport protocol, e.g. {@code UDP/TLS/RTP/SAVPF}. */
    public String protocol() {
        return protocol;
    }

    /** The format tokens of the m-line in preference order (payload types, or e.g. {@code webrtc-datachannel}). */
    public List<String> formatTokens() {
        return formatTokens;
    }

    /** The RTP formats in the offerer's preference order. */
    public List<RtpFormat> formats() {
        return List.copyOf(formats.values());
    }

    /** The format with this payload type, or {@code null}. */
    public RtpFormat format(int payloadType) {
        return formats.get(payloadType);
    }

    /** The RTX format retransmitting {@code payloadType}, or {@code null} when none was offered. */
    public RtpFormat rtxFor(int payloadType) {
        for (RtpFormat f : formats.values()) {
            if (f.associatedPayloadType() == payloadType) {
                return f;
            }
        }
        return null;
    }

    /** Header extensions in offer order. */
    public List<ExtMap> extMaps() {
        return Collections.unmodifiableList(extMaps);
    }

    /** The mapping for an extension URI, or {@code null} when not offered. */
    public ExtMap extMap(String uri) {
        for (ExtMap e : extMaps) {
            if (e.uri().equals(uri)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The {@code a=rid} lines in offer order (RFC 8851).
     *
     * @since 0.4.0
     */
    public List<Rid> rids() {
        return Collections.unmodifiableList(rids);
    }

    /**
     * The {@code a=simulcast} line (RFC 8853), or {@code null} when the section has none.
     *
     * @since 0.4.0
     */
    public Simulcast simulcast() {
        return simulcast;
    }

    /** The media id ({@code a=mid}), or {@code null}. */
    public String mid() {
        return mid;
    }

    /** The direction; {@link Direction#SENDRECV} when not given. */
    public Direction direction() {
        return direction == null ? Direction.SENDRECV : direction;
    }

    /** Effective ICE username fragment, or {@code null}. */
    public String iceUfrag() {
        return iceUfrag;
    }

    /** Effective ICE password, or {@code null}. */
    public String icePwd() {
        return icePwd;
    }

    /** Effective DTLS fingerprint, or {@code null}. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** Effective DTLS setup role ({@code actpass}, {@code active}, {@code passive}), or {@code null}. */
    public String setup() {
        return setup;
    }

    /** The {@code a=msid} value ({@code <stream id> <track id>}), or {@code null}. */
    public String msid() {
        return msid;
    }

    /** Whether {@code a=rtcp-mux} is present. */
    public boolean rtcpMux() {
        return rtcpMux;
    }

    /** Whether {@code a=rtcp-rsize} (reduced-size RTCP, RFC 5506) is present. */
    public boolean rtcpRsize() {
        return rtcpRsize;
    }

    /** Whether {@code a=bundle-only} is present. */
    public boolean bundleOnly() {
        return bundleOnly;
    }

    /** The {@code a=ssrc} lines. */
    public List<SsrcAttribute> ssrcs() {
        return Collections.unmodifiableList(ssrcs);
    }

    /** The {@code a=ssrc-group} values, e.g. {@code FID 1 2}. */
    public List<String> ssrcGroups() {
        return Collections.unmodifiableList(ssrcGroups);
    }

    /** Candidates listed in this section. */
    public List<IceCandidate> candidates() {
        return Collections.unmodifiableList(candidates);
    }

    /** Whether {@code a=end-of-candidates} is present. */
    public boolean endOfCandidates() {
        return endOfCandidates;
    }

    /** Whether this section is RTP media (not a data channel). */
    public boolean isRtp() {
        return protocol.contains("RTP/");
    }

    String describe() {
        return "m-line " + (index + 1) + " (" + kind + ")";
    }

    @Override
    public String toString() {
        return "m=" + kind + " mid=" + mid + " " + direction() + " " + formats.values();
    }
}
