package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.api.codec.VideoEncoder;
import io.sightline.api.codec.VideoEncoderFactory;
import io.sightline.api.media.Codec;
import io.sightline.api.media.CodecParameters;
import io.sightline.api.media.EncodedUnit;
import io.sightline.api.media.RawVideoFrame;
import io.sightline.api.stream.MediaSubscriber;
import io.sightline.api.stream.StreamState;
import io.sightline.api.stream.StreamStatus;
import io.sightline.api.stream.SubscribeOptions;
import io.sightline.api.stream.Track;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The encode policy: pictures are encoded only while someone wants encoded media; after a pause the encoder restarts
 * with a keyframe and the stale GOP goes; without an encoder plugin pictures only count.
 */
class EncodePolicyTest {
    private final MediaFanout fanout = new MediaFanout(new StreamStatus(StreamState.LIVE, "", 0));
    private final KeyframeRequests keyframes = new KeyframeRequests();
    private final List<Boolean> forcedKeyframes = new ArrayList<>();
    private final List<EncodedUnit> units = new ArrayList<>();
    private final List<Track> tracks = new ArrayList<>();
    private int skipped;

    /** An encoder that records whether each picture was forced to a keyframe and marks its units accordingly. */
    private final VideoEncoderFactory encoders = settings -> new VideoEncoder() {
        @Override
        public CodecParameters parameters() {
            return CodecParameters.h264("42e01f");
        }

        @Override
        public EncodedUnit encode(RawVideoFrame frame, boolean forceKeyframe, int trackId) {
            forcedKeyframes.add(forceKeyframe);
            return new EncodedUnit(trackId, Codec.H264, frame.ptsMicros(), 0, forceKeyframe,
                    List.of(ByteBuffer.wrap(new byte[] {(byte) (forceKeyframe ? 0x65 : 0x41)})));
        }

        @Override
        public void close() {
        }
    };

    private EncodePolicy policy(VideoEncoderFactory factory) {
        StreamSettings settings = StreamSettings.from(Map.of("name", "cam", "source.type", "testpattern"));
        return new EncodePolicy(factory == null ? null : new PictureEncoder(factory, settings), fanout, keyframes,
                new EncodePolicy.Output() {
                    @Override
                    public void skipped() {
                        skipped++;
                    }

                    @Override
                    public void track(Track track) {
                        tracks.add(track);
                    }

                    @Override
                    public void unit(EncodedUnit unit) {
                        units.add(unit);
                        fanout.deliver(unit, false);
                        if (unit.keyframe()) {
                            keyframes.satisfied();
                        }
                    }
                });
    }

    private static RawVideoFrame picture(long n) {
        return new RawVideoFrame(16, 16, new byte[RawVideoFrame.i420Size(16, 16)], n * 33_333, 0, 30);
    }

    private SubscriberQueue subscriber(SubscribeOptions options) {
        SubscriberQueue q = new SubscriberQueue("cam", new SubscriberQueue.Owner() {
            @Override
            public void unsubscribe(SubscriberQueue queue) {
                fanout.unsubscribe(queue);
            }

            @Override
            public void requestKeyframe() {
            }
        }, new MediaSubscriber() {
            @Override
            public void onMedia(EncodedUnit unit) {
            }
        }, options, 1);
        fanout.subscribe(q); // never started: the test looks at what is encoded, not at delivery
        return q;
    }

    @Test
    void picturesNobodyWantsEncodedAreOnlyCounted() {
        EncodePolicy policy = policy(encoders);
        subscriber(SubscribeOptions.RAW);
        policy.picture(picture(0));
        policy.picture(picture(1));
        assertEquals(2, skipped);
        assertTrue(forcedKeyframes.isEmpty(), "the encoder was not used");
    }

    @Test
    void theFirstEncodedPictureOpensTheEncoderAndAnnouncesItsTrack() {
        EncodePolicy policy = policy(encoders);
        subscriber(SubscribeOptions.ENCODED);
        policy.picture(picture(0));
        policy.picture(picture(1));
        assertEquals(List.of(Track.video(CodecParameters.h264("42e01f"), 16, 16, 30)), tracks);
        assertEquals(List.of(true, false), forcedKeyframes, "opened with a keyframe, then delta pictures");
    }

    @Test
    void afterAPauseEncodingRestartsWithAKeyframeAndAFreshGop() {
        EncodePolicy policy = policy(encoders);
        SubscriberQueue viewer = subscriber(SubscribeOptions.ENCODED);
        policy.picture(picture(0));
        policy.picture(picture(1));
        assertEquals(2, fanout.cachedGop().size());
        fanout.unsubscribe(viewer);
        policy.picture(picture(2));
        assertEquals(1, skipped);
        assertEquals(2, fanout.cachedGop().size(), "a paused encoder leaves the cache alone");

        subscriber(SubscribeOptions.ENCODED);
        policy.picture(picture(3));
        assertEquals(List.of(true, false, true), forcedKeyframes);
        assertEquals(1, fanout.cachedGop().size(), "the stale GOP went; the cache restarts at the new keyframe");
        assertFalse(keyframes.wanted());
    }

    @Test
    void aKeyframeRequestForcesTheNextPicture() {
        EncodePolicy policy = policy(encoders);
        subscriber(SubscribeOptions.ENCODED);
        policy.picture(picture(0));
        policy.picture(picture(1));
        assertTrue(keyframes.request(1000));
        policy.picture(picture(2));
        policy.picture(picture(3));
        assertEquals(List.of(true, false, true, false), forcedKeyframes);
    }

    @Test
    void withoutAnEncoderPluginPicturesOnlyCount() {
        EncodePolicy policy = policy(null);
        subscriber(SubscribeOptions.ENCODED);
        assertFalse(policy.hasEncoder());
        policy.picture(picture(0));
        assertEquals(1, skipped);
        assertTrue(units.isEmpty());
    }
}
