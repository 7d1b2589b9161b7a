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
     * Whether a stream with this profile conforms to what a decoder offering {@code offered} accepts, comparing the
     * profiles the ids stand for (so 42c01f and 42e01f are both Constrained Baseline, which any decoder accepts).
     * Levels are not compared: WebRTC offers signal {@code level-asymmetry-allowed=1}.
     */
    boolean decodableBy(H264Profile offered) {
        Family mine = family();
        Family theirs = offered.family();
        return switch (mine) {
            // Constrained Baseline is decodable by every profile's decoder (RFC 6184 8.1; libwebrtc does the same).
            case CONSTRAINED_BASELINE -> theirs != Family.OTHER;
            case BASELINE -> theirs == Family.BASELINE;
            case MAIN -> theirs == Family.MAIN || theirs == Family.HIGH;
            case HIGH -> theirs == Family.HIGH;
            case OTHER -> offered.profileIdc == profileIdc && (offered.constraints & ~constraints) == 0;
        };
    }

    /**
     * Whether both ids stand for the same profile as browsers compare them (libwebrtc's H264IsSameProfile): the
     * family, and for other profiles the same profile_idc and constraint flags. Levels are not compared.
     */
    boolean sameProfileAs(H264Profile other) {
        Family f = family();
        if (f != other.family()) {
            return false;
        }
        return f != Family.OTHER || (profileIdc == other.profileIdc && constraints == other.constraints);
    }

    /** The six hex digits of this id. */
    String toHex() {
        return String.format("%02x%02x%02x", profileIdc, constraints, levelIdc);
    }

    /** The profile a profile_idc and its constraint flags stand for, as browsers classify them. */
    enum Family { CONSTRAINED_BASELINE, BASELINE, MAIN, HIGH, OTHER }

    Family family() {
        boolean set0 = (constraints & 0x80) != 0;
        boolean set1 = (constraints & CONSTRAINT_SET1) != 0;
        return switch (profileIdc) {
            case 0x42 -> set1 ? Family.CONSTRAINED_BASELINE : Family.BASELINE;
            case 0x4d -> set0 ? Family.CONSTRAINED_BASELINE : Family.MAIN;
            case 0x58 -> set0 && set1 ? Family.CONSTRAINED_BASELINE : Family.OTHER;
            case 0x64 -> Family.HIGH;
            default -> Family.OTHER;
        };
    }
}
