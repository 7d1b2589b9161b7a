package io.sightline.rtp.sdp;

/** The media direction attribute of an m-section (RFC 8866 section 6.7), from the point of view of its author. */
public enum Direction {
    SENDRECV,
    SENDONLY,
    RECVONLY,
    INACTIVE;

    /** The attribute as written in SDP, e.g. {@code sendonly}. */
    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the author of this direction receives media. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    static Direction fromAttribute(String name) {
        for (Direction d : values()) {
            if (d.attribute().equals(name)) {
                return d;
            }
        }
        return null;
    }
}
