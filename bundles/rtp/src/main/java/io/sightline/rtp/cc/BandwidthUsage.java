package io.sightline.rtp.cc;

/** The delay-based detector's verdict on the path (draft-ietf-rmcat-gcc-02 section 5.4). */
enum BandwidthUsage {
    /** Queues are not growing. */
    NORMAL,
    /** Queues are draining: the path has just had more than it was given. */
    UNDERUSING,
    /** Queues are growing: more is sent than the path carries. */
    OVERUSING
}
