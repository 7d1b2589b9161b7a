package io.sightline.rtp.sdp;

/**
 * An H.264 {@code profile-level-id} (RFC 6184 section 8.1): profile_idc, the constraint_set flags byte
 * (profile-iop) and level_idc.
 */
record H264Profile(int profileIdc, int constraints, int levelIdc) {
    /** RFC 6184: without the parameter, Baseline level 1.0 is meant. */
    static final H264Profile DEFAULT = new H264Profile(0x42, 0x00, 0x0a);

    private static final int CONSTRAINT_SET1 = 0x40;

    /** Parses six hex digits; {@code null} when malformed. A missing value means {@link #DEFAULT}. */
    static H264Profile parse(String profileLevelId) {
        if (profileLevelId == null) {
            return DEFAULT;
        }
        if (!profileLevelId.matches("[0-9A-Fa-f]{6}")) {
            return null;
        }
        int v = Integer.parseInt(profileLevelId, 16);
        return new H264Profile(v >> 16, (v >> 8) & 0xff, v & 0xff);
    }

    /**
     * Whether a stream with this profile conforms to what a decoder offering {@code offered} accepts: the same
     * profile_idc with every constraint the offer demands also set in the stream, or a stream with constraint_set1
     * (Constrained Baseline, decodable as Main) offered Main. Levels are not compared: WebRTC offers signal
     * {@code level-asymmetry-allowed=1}.
     */
    boolean decodableBy(H264Profile offered) {
        if (offered.profileIdc == profileIdc) {
            return (offered.constraints & ~constraints) == 0;
        }
        return profileIdc == 0x42 && offered.profileIdc == 0x4d && (constraints & CONSTRAINT_SET1) != 0
                && (offered.constraints & ~constraints) == 0;
    }
}
