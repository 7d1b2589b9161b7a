package io.sightline.rtp.srtp;

/**
 * A 64-packet sliding replay window over packet indices (RFC 3711 section 3.3.2). Not thread-safe.
 */
final class ReplayWindow {
    static final int SIZE = 64;

    private boolean started;
    private long top;
    private long mask;

    /** Whether {@code index} may be accepted; throws the reason when not. Does not change the window. */
    void check(long index) throws SrtpException {
        if (!started || index > top) {
            return;
        }
        long delta = top - index;
        if (delta >= SIZE) {
            throw new SrtpException(SrtpException.Reason.TOO_OLD, "index " + index + " is older than the window (top "
                    + top + ")");
        }
        if ((mask & (1L << delta)) != 0) {
            throw new SrtpException(SrtpException.Reason.REPLAYED, "index " + index + " already received");
        }
    }

    /** Records {@code index} as received; call only after the packet authenticated. */
    void accept(long index) {
        if (!started) {
            started = true;
            top = index;
            mask = 1;
        } else if (index > top) {
            long shift = index - top;
            mask = shift >= SIZE ? 1 : (mask << shift) | 1;
            top = index;
        } else {
            mask |= 1L << (top - index);
        }
    }
}
