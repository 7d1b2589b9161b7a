package io.sightline.rtp.sdp;

import java.util.List;

/**
 * One {@code a=rid} line (RFC 8851 section 4): a named RTP stream of the section, e.g. {@code a=rid:h send}, as a
 * simulcast sender declares each of its layers.
 *
 * @param id           the RTP stream id: 1-16 letters, digits, {@code -} or {@code _} (RFC 8851 allows any length;
 *                     browsers use one or a few characters, and the id travels in every first packet's header)
 * @param direction    {@code send} or {@code recv}, as written
 * @param payloadTypes the {@code pt=} restriction, empty when none
 * @param restrictions the other restrictions as written ({@code max-width=1280;max-fps=30}), or empty
 * @since 0.4.0
 */
public record Rid(String id, String direction, List<Integer> payloadTypes, String restrictions) {
    /** Longest id accepted. */
    public static final int MAX_ID_LENGTH = 16;

    /** Whether {@code id} is a valid RTP stream id here. */
    public static boolean validId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
