package io.sightline.core.internal;

import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per viewer session when it starts and one when it ends, with its figures, on the logger
 * {@code sightline.delivery} (the packaged server routes it to {@code delivery.log}). Kept in the session registry
 * because every transport's sessions pass through it; the transports' own lines stay on their class loggers.
 */
final class DeliveryLog {
    static final String LOGGER = "sightline.delivery";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    /** Why the registry itself closed a session (stream removed, server stopping), by session id. */
    private final Map<String, String> closedBecause = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    DeliveryLog() {
        this(System::currentTimeMillis);
    }

    DeliveryLog(LongSupplier clock) {
        this.clock = clock;
    }

    void started(ViewerSession session) {
        LOG.info("{}", startLine(session));
    }

    static String startLine(ViewerSession session) {
        return "session " + session.id() + " start: stream=" + session.streamName() + " transport="
                + session.transportMode() + " client=" + session.remoteAddress();
    }

    /** Remembers why the registry is about to close the session, for its end line. */
    void closing(ViewerSession session, String reason) {
        closedBecause.put(session.id(), reason);
    }

    void ended(ViewerSession session) {
        LOG.info("{}", endLine(session));
    }

    String endLine(ViewerSession session) {
        String reason = closedBecause.remove(session.id());
        if (reason == null) {
            // A transport may say why in its state ("closed: consent expired"); otherwise signaling closed it: the
            // viewer's or an admin's DELETE (signaling.log / audit.log name it with this session id).
            String state = session.state();
            reason = state != null && state.startsWith("closed: ") ? state.substring(8) : "closed by signaling (DELETE)";
        }
        ViewerStats s = statsOf(session);
        long durationMs = Math.max(0, clock.getAsLong() - session.createdMillis());
        long kbps = durationMs == 0 ? 0 : s.bytesSent() * 8 / durationMs;
        return String.format(Locale.ROOT, "session %s end: stream=%s transport=%s client=%s duration=%.1fs bytes=%d "
                        + "packets=%d lost=%d loss=%.1f%% dropped=%d rtt=%s bitrate=%dkbit/s reason=%s", session.id(),
                session.streamName(), session.transportMode(), session.remoteAddress(), durationMs / 1000.0,
                s.bytesSent(), s.packetsSent(), s.packetsLost(), s.fractionLost() * 100, s.packetsDropped(),
                s.rttMs() < 0 ? "unknown" : String.format(Locale.ROOT, "%.0fms", s.rttMs()), kbps, reason);
    }

    private static ViewerStats statsOf(ViewerSession session) {
        try {
            ViewerStats s = session.stats();
            return s == null ? ViewerStats.EMPTY : s;
        } catch (RuntimeException e) {
            // A transport may have freed its native state already; the end line is still written.
            return ViewerStats.EMPTY;
        }
    }
}
