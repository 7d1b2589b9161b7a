package io.sightline.sfu.internal;

import java.util.List;

/**
 * A receiver of one stream's packets, as the {@link StreamFanout} sees it: today a viewer's WebRTC session, later a
 * relay to another node. The fan-out knows nothing else of its receivers, so it is tested with a recording one and a
 * new kind of receiver needs no change to it.
 *
 * <p>Called on the fan-out thread (and, for a viewer starting on a cached GOP, once on the thread that called
 * {@link StreamFanout#join}). No method may block: a slow receiver drops, it never holds up the others. What a method
 * throws closes that receiver alone.
 */
interface FanoutViewer {

    /** For log lines. */
    String id();

    /**
     * The stream tracks this receiver takes from {@code from}, with its per-track send position (fan-out thread
     * only); empty when it takes nothing (any more) from that fan-out, e.g. after it moved to another rung.
     */
    List<ViewerTrack> tracks(StreamFanout from);

    /** The fan-out admitted it; its first packets follow at once. */
    void admitted();

    /** Whether it can still take packets (false once closed). */
    boolean ready();

    /** One packet of the stream's history, to go out with {@code viewerTs} as its RTP timestamp. */
    void send(ViewerTrack track, PacketHistory history, long index, long viewerTs);

    /** A unit went out to it: its periodic work (RTCP sender reports) may be due. */
    void maybeSendReports(long nowNanos);

    /** Ends it: it failed while sending or starting, or the stream ended. Must be idempotent. */
    void close();
}
