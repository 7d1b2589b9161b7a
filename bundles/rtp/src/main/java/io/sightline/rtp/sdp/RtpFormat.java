package io.sightline.rtp.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One payload format of an m-section: its {@code a=rtpmap}, {@code a=fmtp} and {@code a=rtcp-fb} lines together.
 * Created by the parser; read-only to everyone else.
 */
public final class RtpFormat {
    private final int payloadType;
    private String encodingName;
    private int clockRate;
    private int channels = 1;
    private String fmtpLine = "";
    private final Map<String, String> fmtp = new LinkedHashMap<>();
    private final List<String> feedback = new ArrayList<>();

    RtpFormat(int payloadType) {
        this.payloadType = payloadType;
        // Static payload types may come without rtpmap (RFC 3551 table 4); WebRTC only uses these two.
        if (payloadType == 0) {
            rtpmap("PCMU", 8000, 1);
        } else if (payloadType == 8) {
            rtpmap("PCMA", 8000, 1);
        }
    }

    void rtpmap(String name, int rate, int channelCount) {
        this.encodingName = name;
        this.clockRate = rate;
        this.channels = channelCount;
    }

    void setFmtp(String line) {
        fmtpLine = line;
        fmtp.clear();
        for (String param : line.split(";")) {
            String p = param.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0) {
                fmtp.put(p.toLowerCase(Locale.ROOT), "");
            } else {
                fmtp.put(p.substring(0, eq).trim().toLowerCase(Locale.ROOT), p.substring(eq + 1).trim());
            }
        }
    }

    void addFeedback(String fb) {
        if (!feedback.contains(fb)) {
            feedback.add(fb);
        }
    }

    /** The payload type, 0-127. */
    public int payloadType() {
        return payloadType;
    }

    /** The encoding name as offered (e.g. {@code H264}, {@code rtx}), or {@code null} without rtpmap. */
    public String encodingName() {
        return encodingName;
    }

    /** Whether this format's encoding name is {@code name}, ignoring case. */
    public boolean is(String name) {
        return encodingName != null && encodingName.equalsIgnoreCase(name);
    }

    /** The RTP clock rate. */
    public int clockRate() {
        return clockRate;
    }

    /** Audio channels (1 when not given). */
    public int channels() {
        return channels;
    }

    /** The raw fmtp parameter string, empty when there is none. */
    public String fmtpLine() {
        return fmtpLine;
    }

    /** Format parameters by lower-case name, in offer order. */
    public Map<String, String> fmtp() {
        return Collections.unmodifiableMap(fmtp);
    }

    /** One format parameter, or {@code null}. */
    public String fmtp(String name) {
        return fmtp.get(name);
    }

    /** RTCP feedback types as offered, e.g. {@code nack}, {@code nack pli}, {@code transport-cc}. */
    public List<String> feedback() {
        return Collections.unmodifiableList(feedback);
    }

    /** For an RTX format, the payload type it retransmits ({@code apt}); otherwise -1. */
    public int associatedPayloadType() {
        String apt = fmtp.get("apt");
        if (!is("rtx") || apt == null) {
            return -1;
        }
        try {
            return Integer.parseInt(apt);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The {@code a=rtpmap:} value. */
    public String rtpmapValue() {
        return payloadType + " " + encodingName + "/" + clockRate + (channels > 1 ? "/" + channels : "");
    }

    @Override
    public String toString() {
        return payloadType + " " + encodingName + "/" + clockRate + (fmtpLine.isEmpty() ? "" : " [" + fmtpLine + "]");
    }
}
