package io.sightline.rtp.rtp;

/**
 * Decides which lost RTP packets of one received track to ask for again (generic NACK, RFC 4585 section 6.2.1): a
 * sequence gap puts the missing numbers on a list; each is asked for at most {@code maxRetries} times, no more often
 * than the retry interval the caller gives (about one round trip), and dropped from the list when it arrives or is
 * older than {@code maxAgeNanos}. A gap too large to repair, or a packet given up, means the picture cannot be
 * completed: {@link #takeKeyframeNeeded()} then tells the caller to ask for a keyframe instead.
 *
 * <p>Fixed-size arrays, no allocation per packet. Not thread-safe; one per track.
 */
public final class NackGenerator {
    private final int[] seqs;
    private final long[] firstMissing;
    private final long[] lastAsked;
    private final int[] tries;
    private final int maxRetries;
    private final long maxAgeNanos;
    private int count;
    private int highest = -1;
    private boolean keyframeNeeded;
    private long requested;
    private long recovered;
    private long abandoned;

    /**
     * @param maxMissing  the longest list kept; a larger gap is not NACKed but answered with a keyframe request
     * @param maxRetries  how often one packet is asked for
     * @param maxAgeNanos after how long a missing packet is given up
     */
    public NackGenerator(int maxMissing, int maxRetries, long maxAgeNanos) {
        this.seqs = new int[maxMissing];
        this.firstMissing = new long[maxMissing];
        this.lastAsked = new long[maxMissing];
        this.tries = new int[maxMissing];
        this.maxRetries = maxRetries;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** Records a received packet (16-bit sequence number). */
    public void received(int sequenceNumber, long nowNanos) {
        int seq = sequenceNumber & 0xffff;
        if (highest < 0) {
            highest = seq;
            return;
        }
        int ahead = (short) (seq - highest);
        if (ahead > 0) {
            int gap = ahead - 1;
            if (gap > seqs.length) {
                count = 0; // too much to repair packet by packet
                keyframeNeeded = true;
                abandoned += gap;
            } else {
                for (int i = 1; i <= gap; i++) {
                    missing((highest + i) & 0xffff, nowNanos);
                }
            }
            highest = seq;
        } else if (ahead < 0 && remove(seq)) {
            recovered++;
        }
    }

    /**
     * Fills {@code out} with the sequence numbers to NACK now, in ascending order, and returns how many.
     *
     * @param retryNanos the least time between two requests for one packet (about the round trip time)
     */
    public int due(long nowNanos, long retryNanos, int[] out) {
        int n = 0;
        for (int i = 0; i < count;) {
            if (nowNanos - firstMissing[i] > maxAgeNanos || tries[i] >= maxRetries) {
                keyframeNeeded = true;
                abandoned++;
                removeAt(i);
                continue;
            }
            if (n < out.length && (tries[i] == 0 || nowNanos - lastAsked[i] >= retryNanos)) {
                out[n++] = seqs[i];
                lastAsked[i] = nowNanos;
                tries[i]++;
                requested++;
            }
            i++;
        }
        return n;
    }

    /** Whether a loss could not be repaired since the last call (then ask for a keyframe); clears the flag. */
    public boolean takeKeyframeNeeded() {
        boolean k = keyframeNeeded;
        keyframeNeeded = false;
        return k;
    }

    /** Forgets everything (a new sender). */
    public void reset() {
        count = 0;
        highest = -1;
        keyframeNeeded = false;
    }

    /** Packets currently missing. */
    public int missing() {
        return count;
    }

    /** NACK entries sent. */
    public long requested() {
        return requested;
    }

    /** Missing packets that arrived after all. */
    public long recovered() {
        return recovered;
    }

    /** Missing packets given up. */
    public long abandoned() {
        return abandoned;
    }

    private void missing(int seq, long nowNanos) {
        if (count == seqs.length) {
            removeAt(0); // the oldest is the least likely to arrive in time
            keyframeNeeded = true;
            abandoned++;
        }
        seqs[count] = seq;
        firstMissing[count] = nowNanos;
        lastAsked[count] = 0;
        tries[count] = 0;
        count++;
    }

    private boolean remove(int seq) {
        for (int i = 0; i < count; i++) {
            if (seqs[i] == seq) {
                removeAt(i);
                return true;
            }
        }
        return false;
    }

    private void removeAt(int i) {
        int tail = count - i - 1;
        System.arraycopy(seqs, i + 1, seqs, i, tail);
        System.arraycopy(firstMissing, i + 1, firstMissing, i, tail);
        System.arraycopy(lastAsked, i + 1, lastAsked, i, tail);
        System.arraycopy(tries, i + 1, tries, i, tail);
        count--;
    }
}
