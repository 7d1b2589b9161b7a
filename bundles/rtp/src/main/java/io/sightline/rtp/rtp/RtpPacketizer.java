package io.sightline.rtp.rtp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;

/**
 * Splits one {@link EncodedUnit} into RTP payloads, written into caller-provided arrays.
 *
 * <p>Usage per unit: {@link #begin(EncodedUnit)}, then while {@link #hasNext()}: write the RTP header (with
 * {@link #marker()} of the packet about to be produced known only after {@link #next}, so write the header after
 * the payload or patch the marker bit), call {@link #next(byte[], int)}, send. All packets of one unit share the
 * unit's RTP timestamp ({@link EncodedUnit#rtpTimestamp()}). Packetizers keep references to the unit's buffers
 * only until the last payload is taken; they allocate nothing per packet. Not thread-safe: one per outgoing stream.
 */
public interface RtpPacketizer {
    /** The RTP packet size (header, extensions and payload, before SRTP) a packetizer aims at by default. */
    int DEFAULT_MAX_PACKET_SIZE = 1200;
    /** Room left for the fixed header and a few one-byte header extensions when deriving the default payload size. */
    int DEFAULT_HEADER_ALLOWANCE = RtpHeader.FIXED_SIZE + 20;

    /**
     * A packetizer for a codec this library can packetize ({@link Codec#H264}, {@link Codec#VP8},
     * {@link Codec#VP9}, {@link Codec#AV1}, {@link Codec#OPUS}).
     *
     * @param maxPayloadSize the largest payload per packet in bytes (packet size minus header and extensions)
     * @throws IllegalArgumentException for another codec or a payload size too small to packetize with
     */
    static RtpPacketizer create(Codec codec, int maxPayloadSize) {
        switch (codec) {
            case H264:
                return new H264Packetizer(maxPayloadSize);
            case VP8:
                return new Vp8Packetizer(maxPayloadSize, true);
            case VP9:
                return new Vp9Packetizer(maxPayloadSize);
            case AV1:
                return new Av1Packetizer(maxPayloadSize);
            case OPUS:
                return new OpusPacketizer(maxPayloadSize);
            default:
                throw new IllegalArgumentException("no RTP packetizer for " + codec);
        }
    }

    /** A packetizer with payloads sized for {@link #DEFAULT_MAX_PACKET_SIZE}-byte packets. */
    static RtpPacketizer create(Codec codec) {
        return create(codec, DEFAULT_MAX_PACKET_SIZE - DEFAULT_HEADER_ALLOWANCE);
    }

    /** The codec this packetizer handles. */
    Codec codec();

    /** The largest payload {@link #next} writes. */
    int maxPayloadSize();

    /**
     * Starts packetizing a unit, dropping whatever remained of the previous one.
     *
     * @throws IllegalArgumentException if the unit's codec is not this packetizer's
     */
    void begin(EncodedUnit unit);

    /** Whether another payload of the current unit remains. */
    boolean hasNext();

    /**
     * Writes the next payload into {@code buf} at {@code off}.
     *
     * @return the payload length (at most {@link #maxPayloadSize()}, except for an Opus packet, which is never split)
     * @throws java.util.NoSuchElementException   if no payload remains
     * @throws IndexOutOfBoundsException if the payload does not fit into {@code buf}
     */
    int next(byte[] buf, int off);

    /** Whether the payload last returned by {@link #next} should carry the RTP marker bit. */
    boolean marker();
}
