package io.sightline.rtp.sdp;

import java.util.List;

/**
 * The {@code a=simulcast} line of a section (RFC 8853 section 5.1), e.g. {@code a=simulcast:send l;m;h}: the RTP
 * streams, by rid, that the writer sends or receives. Each entry of a list is one simulcast stream; alternatives
 * ({@code h,h2}) are kept as written, the first one first. A paused stream ({@code ~h}) is listed with {@code paused}.
 *
 * @param send the streams the writer sends, in its order of preference; empty when none
 * @param recv the streams the writer receives; empty when none
 * @since 0.4.0
 */
public record Simulcast(List<List<Stream>> send, List<List<Stream>> recv) {
    /**
     * One rid in a simulcast list.
     *
     * @param rid    the RTP stream id, declared by an {@code a=rid} line of the same section
     * @param paused written with {@code ~}: declared but not sent for now
     */
    public record Stream(String rid, boolean paused) {
    }
}
