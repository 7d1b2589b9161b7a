package io.sightline.rtp.cc;

/** What a receiver's bandwidth estimate is based on, best first. */
public enum EstimateSource {
    /** Transport-wide feedback (per-packet arrival times and losses): delay-based and loss-based estimation. */
    TRANSPORT_CC("transport-cc"),
    /** The receiver's own estimate (REMB), used when it sends no transport-wide feedback. */
    REMB("remb"),
    /** Loss in receiver reports against the rate sent: a loss-based estimate only, when neither of the above comes. */
    RECEIVER_REPORT("receiver-report"),
    /** Nothing usable has arrived yet. */
    NONE("none");

    private final String label;

    EstimateSource(String label) {
        this.label = label;
    }

    /** The lower-case name used in JSON and metrics ({@code transport-cc}, {@code remb}, ...). */
    public String label() {
        return label;
    }
}
