package io.sightline.sfu.internal;

import io.sightline.api.media.MediaKind;
import io.sightline.api.stream.Track;
import io.sightline.rtp.sdp.SdpAnswer;
import io.sightline.rtp.srtp.SrtpContext;
import io.sightline.rtp.srtp.SrtpException;
import io.sightline.rtp.srtp.SrtpProfile;
import io.sightline.rtp.srtp.SrtpSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A viewer session wired to a packet capture instead of ICE, with SRTP keys both sides know, so tests see exactly the
 * packets the viewer would receive, decrypted.
 */
final class TestViewer {
    static final SrtpProfile PROFILE = SrtpProfile.AEAD_AES_128_GCM;

    final SfuViewerSession session;
    final ViewerTrack track;
    final List<byte[]> wire = new ArrayList<>();
    private final byte[] keyingMaterial;

    /** A viewer whose path accepts a packet when {@code accept} says so (false: dropped, as a full socket does). */
    TestViewer(StreamFanout fanout, long ssrc, long rtxSsrc, int payloadType, int rtxPayloadType, int seqBase,
            long tsOffset, Predicate<ByteBuffer> accept) {
        this(fanout, ssrc, rtxSsrc, payloadType, rtxPayloadType, seqBase, tsOffset, accept, 0, PlayoutDelay.parse("0"));
    }

    /** As above, with the playout-delay extension negotiated under {@code playoutDelayId} (0: not offered). */
    TestViewer(StreamFanout fanout, long ssrc, long rtxSsrc, int payloadType, int rtxPayloadType, int seqBase,
            long tsOffset, Predicate<ByteBuffer> accept, int playoutDelayId, PlayoutDelay playoutDelay) {
        this(fanout, ssrc, rtxSsrc, payloadType, rtxPayloadType, seqBase, tsOffset, accept, playoutDelayId, playoutDelay,
                0);
    }

    /** As above, with the transport-wide sequence number extension negotiated under {@code transportCcId}. */
    TestViewer(StreamFanout fanout, long ssrc, long rtxSsrc, int payloadType, int rtxPayloadType, int seqBase,
            long tsOffset, Predicate<ByteBuffer> accept, int playoutDelayId, PlayoutDelay playoutDelay,
            int transportCcId) {
        var negotiated = new SdpAnswer.Negotiated("0", true, payloadType, rtxPayloadType, ssrc, rtxSsrc, 0,
                transportCcId, playoutDelayId, List.of("nack", "nack pli"), true);
        track = new ViewerTrack(Track.VIDEO, MediaKind.VIDEO, negotiated, seqBase, 5000);
        track.tsOffset = tsOffset;
        session = new SfuViewerSession(Long.toHexString(ssrc), "cam", "127.0.0.1", new SfuTransport(), fanout,
                List.of(track), "cname", playoutDelay);
        session.attach(packet -> {
            if (!accept.test(packet)) {
                return false;
            }
            byte[] copy = new byte[packet.remaining()];
            packet.get(copy);
            wire.add(copy);
            return true;
        }, null, null, "v=0");
        keyingMaterial = new byte[PROFILE.keyingMaterialLength()];
        for (int i = 0; i < keyingMaterial.length; i++) {
            keyingMaterial[i] = (byte) (ssrc * 31 + i);
        }
    }

    TestViewer(StreamFanout fanout, long ssrc, int seqBase, long tsOffset) {
        this(fanout, ssrc, ssrc + 1, 102, 103, seqBase, tsOffset, p -> true);
    }

    /** DTLS done: the session joins the fan-out. */
    TestViewer connect() {
        session.startMedia(SrtpSession.fromDtlsKeyingMaterial(PROFILE, keyingMaterial, SrtpSession.Role.SERVER));
        return this;
    }

    /** The RTP packets received so far (RTCP left out), decrypted in order by a fresh receiver. */
    List<byte[]> rtp() {
        SrtpContext receiver = receiver();
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : wire) {
            int pt = p[1] & 0x7f;
            if (pt >= 72 && pt <= 79) {
                continue; // RTCP (RFC 5761 demultiplexing)
            }
            out.add(decrypt(receiver, p));
        }
        return out;
    }

    /** Decrypts with a fresh context (a resent packet repeats an index the main context has seen). */
    byte[] decryptFresh(byte[] packet) {
        return decrypt(receiver(), packet);
    }

    private SrtpContext receiver() {
        return SrtpSession.fromDtlsKeyingMaterial(PROFILE, keyingMaterial, SrtpSession.Role.CLIENT).inbound();
    }

    private static byte[] decrypt(SrtpContext context, byte[] packet) {
        byte[] copy = packet.clone();
        try {
            return Arrays.copyOf(copy, context.unprotectRtp(copy, 0, copy.length));
        } catch (SrtpException e) {
            throw new AssertionError("undecryptable packet", e);
        }
    }

    static int payloadType(byte[] p) {
        return p[1] & 0x7f;
    }

    static boolean marker(byte[] p) {
        return (p[1] & 0x80) != 0;
    }

    static int seq(byte[] p) {
        return ((p[2] & 0xff) << 8) | (p[3] & 0xff);
    }

    static long timestamp(byte[] p) {
        return ByteBuffer.wrap(p, 4, 4).getInt() & 0xffffffffL;
    }

    static long ssrc(byte[] p) {
        return ByteBuffer.wrap(p, 8, 4).getInt() & 0xffffffffL;
    }

    /** Payload after the fixed header, CSRCs and the header extension. */
    static byte[] payload(byte[] p) {
        int off = 12 + 4 * (p[0] & 0x0f);
        if ((p[0] & 0x10) != 0) {
            int words = ((p[off + 2] & 0xff) << 8) | (p[off + 3] & 0xff);
            off += 4 + 4 * words;
        }
        return Arrays.copyOfRange(p, off, p.length);
    }
}
