package io.sightline.rtp.rtcp;

/**
 * One reception report block of a sender or receiver report (RFC 3550 section 6.4.1): how a viewer receives one of
 * our SSRCs.
 *
 * @param ssrc             the source reported on (ours)
 * @param fractionLost     packets lost since the previous report, as a fraction of 256
 * @param cumulativeLost   packets lost since the start (signed 24 bit; duplicates can make it negative)
 * @param highestSequence  extended highest sequence number received (cycles in the upper 16 bits)
 * @param jitter           interarrival jitter in RTP timestamp units
 * @param lastSr           compact NTP time of the last sender report received (LSR), 0 if none
 * @param delaySinceLastSr delay since that report in 1/65536 s (DLSR)
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long highestSequence, long jitter,
        long lastSr, long delaySinceLastSr) {

    /** Loss since the previous report in percent (0-100). */
    public double fractionLostPercent() {
        return fractionLost * 100.0 / 256;
    }

    /** The round-trip time in milliseconds when this block arrived at {@code arrivalCompactNtp}, or -1. */
    public long rttMillis(long arrivalCompactNtp) {
        return NtpTime.rttMillis(arrivalCompactNtp, lastSr, delaySinceLastSr);
    }
}
