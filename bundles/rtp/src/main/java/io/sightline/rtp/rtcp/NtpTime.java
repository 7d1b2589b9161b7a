package io.sightline.rtp.rtcp;

/**
 * NTP timestamps as RTCP uses them (RFC 3550 section 4): 64-bit fixed point seconds since 1900, and the "compact"
 * middle 32 bits (16.16) found in LSR/DLSR fields.
 */
public final class NtpTime {
    /** Seconds between 1900-01-01 (NTP era 0) and 1970-01-01 (the Unix epoch). */
    public static final long UNIX_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private NtpTime() {
    }

    /** The 64-bit NTP timestamp of a wall-clock instant in epoch milliseconds. */
    public static long fromEpochMillis(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000) + UNIX_EPOCH_OFFSET_SECONDS;
        long fraction = (Math.floorMod(epochMillis, 1000L) << 32) / 1000;
        return (seconds << 32) | fraction;
    }

    /** Epoch milliseconds of a 64-bit NTP timestamp (era 0). */
    public static long toEpochMillis(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_EPOCH_OFFSET_SECONDS;
        long millis = ((ntp & 0xffffffffL) * 1000) >>> 32;
        return seconds * 1000 + millis;
    }

    /** The middle 32 bits of a 64-bit NTP timestamp, as in the LSR field of a report block. */
    public static long compact(long ntp) {
        return (ntp >>> 16) & 0xffffffffL;
    }

    /**
     * Round-trip time from a report block (RFC 3550 section 6.4.1): arrival time minus LSR minus DLSR, all in
     * compact NTP units of 1/65536 s.
     *
     * @param arrivalCompact compact NTP time when the report arrived
     * @param lastSr         the block's LSR
     * @param delaySinceLastSr the block's DLSR
     * @return the RTT in milliseconds, or -1 when the block refers to no sender report yet (LSR 0) or the result is
     *         negative (clock trouble)
     */
    public static long rttMillis(long arrivalCompact, long lastSr, long delaySinceLastSr) {
        if (lastSr == 0) {
            return -1;
        }
        long rtt = (arrivalCompact - lastSr - delaySinceLastSr) & 0xffffffffL;
        if (rtt >= 0x80000000L) {
            return -1;
        }
        return rtt * 1000 / 65536;
    }
}
