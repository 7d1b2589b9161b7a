package io.sightline.rtp.rtp;

import io.sightline.api.media.Codec;
import io.sightline.api.media.EncodedUnit;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;

/**
 * Opus payloads (RFC 7587 section 4.2): one Opus packet per RTP packet, never split (an Opus packet is at most
 * 1275 bytes per frame). The marker bit stays clear: it only flags the first packet after DTX silence.
 */
final class OpusPacketizer implements RtpPacketizer {
    private final int maxPayload;
    private ByteBuffer packet;

    OpusPacketizer(int maxPayload) {
        if (maxPayload < 1) {
            throw new IllegalArgumentException("payload size " + maxPayload);
        }
        this.maxPayload = maxPayload;
    }

    @Override
    public Codec codec() {
        return Codec.OPUS;
    }

    @Override
    public int maxPayloadSize() {
        return maxPayload;
    }

    @Override
    public void begin(EncodedUnit unit) {
        if (unit.codec() != Codec.OPUS) {
            throw new IllegalArgumentException("not Opus: " + unit);
        }
        packet = unit.parts().isEmpty() || !unit.parts().get(0).hasRemaining() ? null : unit.parts().get(0);
    }

    @Override
    public boolean hasNext() {
        return packet != null;
    }

    @Override
    public int next(byte[] buf, int off) {
        if (packet == null) {
            throw new NoSuchElementException("no Opus payload left");
        }
        int n = packet.remaining();
        H264Packetizer.checkRoom(buf, off, n);
        packet.get(packet.position(), buf, off, n);
        packet = null;
        return n;
    }

    @Override
    public boolean marker() {
        return false;
    }
}
