package io.sightline.rtp.sdp;

/**
 * One {@code a=ssrc} line (RFC 5576 section 4.1), e.g. {@code a=ssrc:1234 cname:abc}.
 *
 * @param ssrc      the source, unsigned 32 bit
 * @param attribute the attribute name, e.g. {@code cname} or {@code msid}
 * @param value     the attribute value, or {@code null}
 */
public record SsrcAttribute(long ssrc, String attribute, String value) {
}
