package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sightline.api.transport.ViewerSession;
import io.sightline.api.transport.ViewerStats;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {
    private final AtomicLong now = new AtomicLong(100_000);
    private final DeliveryLog log = new DeliveryLog(now::get);

    @Test
    void theStartLineNamesStreamTransportAndClient() {
        assertEquals("session s1 start: stream=demo transport=sfu client=192.0.2.7",
                DeliveryLog.startLine(new Session("closed", new ViewerStats(0, 0, 0, 0, 0, 0, -1, 0, 0, 0))));
    }

    @Test
    void theEndLineCarriesTheSessionsFiguresAndTheTransportsReason() {
        now.set(100_000 + 20_000);
        Session s = new Session("closed: consent expired",
                new ViewerStats(1000, 5_000_000, 3, 12, 0.025, 4, 37.4, 2, 1, 2_500_000));
        assertEquals("session s1 end: stream=demo transport=sfu client=192.0.2.7 duration=20.0s bytes=5000000 "
                + "packets=1000 lost=12 loss=2.5% dropped=3 rtt=37ms bitrate=2000kbit/s reason=consent expired",
                log.endLine(s));
    }

    @Test
    void aReasonGivenByTheRegistryWinsAndIsUsedOnce() {
        Session s = new Session("closed", ViewerStats.EMPTY);
        log.closing(s, "stream removed");
        assertEquals("stream removed", reason(log.endLine(s)));
        assertEquals("closed by signaling (DELETE)", reason(log.endLine(s)));
    }

    @Test
    void statsThatFailAfterCloseStillGiveALine() {
        Session s = new Session("closed", null) {
            @Override
            public ViewerStats stats() {
                throw new IllegalStateException("native peer connection freed");
            }
        };
        assertEquals("unknown", log.endLine(s).replaceAll(".* rtt=(\\S+) .*", "$1"));
    }

    private static String reason(String line) {
        return line.substring(line.indexOf("reason=") + 7);
    }

    /** A session as a transport leaves it when it has ended. */
    private static class Session implements ViewerSession {
        private final String state;
        private final ViewerStats stats;

        Session(String state, ViewerStats stats) {
            this.state = state;
            this.stats = stats;
        }

        @Override public String id() { return "s1"; }
        @Override public String streamName() { return "demo"; }
        @Override public String transportMode() { return "sfu"; }
        @Override public String answerSdp() { return ""; }
        @Override public String remoteAddress() { return "192.0.2.7"; }
        @Override public long createdMillis() { return 100_000; }
        @Override public String state() { return state; }
        @Override public void addRemoteCandidates(String sdpFragment) { }
        @Override public String restartIce(String sdpFragment) { throw new UnsupportedOperationException(); }
        @Override public ViewerStats stats() { return stats; }
        @Override public void onClosed(Runnable listener) { }
        @Override public void close() { }
    }
}
