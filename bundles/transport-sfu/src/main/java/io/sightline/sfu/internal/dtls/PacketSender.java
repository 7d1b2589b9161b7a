package io.sightline.sfu.internal.dtls;

import java.nio.ByteBuffer;

/** Where a DTLS session sends its records; {@code IceSession::send} fits. */
@FunctionalInterface
public interface PacketSender {

    /** Sends the remaining bytes without blocking; false when dropped. */
    boolean send(ByteBuffer packet);
}
