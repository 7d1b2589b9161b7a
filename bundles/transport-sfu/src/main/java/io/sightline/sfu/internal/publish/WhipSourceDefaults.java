package io.sightline.sfu.internal.publish;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The keys of a stream fed by WHIP publishers ({@code source.type = whip}), in the stream's own file or, as defaults
 * for every such stream, in {@code etc/io.sightline.source.whip.cfg}.
 */
@ObjectClassDefinition(id = PublishedStreams.PID, name = "Sightline WHIP publishers",
        factoryPid = io.sightline.api.source.CaptureSourceFactory.SETTINGS_PID_PREFIX + PublishedStreams.TYPE,
        description = "Streams with source.type=whip wait for a WebRTC publisher (POST /whip/<stream>).")
@interface WhipSourceDefaults {
    @AttributeDefinition(name = "Take over", description = "true: a new publisher replaces the current one (a "
            + "publisher that reconnects before its old session timed out); false: a second publisher gets 409.")
    boolean publish_takeover() default false;

    @AttributeDefinition(name = "Reconnect wait (s)", description = "After the publisher drops, the stream shows "
            + "reconnecting this long (viewers stay), then idle: 1..3600.")
    int publish_reconnect_seconds() default 15;

    @AttributeDefinition(name = "Keyframe at least every (s)", description = "When the publisher sent no keyframe "
            + "for this long the server asks it for one (PLI), so a joining viewer starts on a short cached GOP: "
            + "browsers send keyframes only when asked. 0: never ask (the publisher's own interval); 0..60.")
    int publish_keyframe_seconds() default 2;
}
