package io.sightline.signaling.whep.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SessionQuotaTest {
    @Test
    void refusesPerStreamThenInTotalAndReleasesPlaces() {
        SessionQuota q = new SessionQuota(2, 3);
        assertEquals(SessionQuota.Refusal.NONE, q.reserve("a"));
        assertEquals(SessionQuota.Refusal.NONE, q.reserve("a"));
        assertEquals(SessionQuota.Refusal.STREAM_FULL, q.reserve("a"));
        assertEquals(SessionQuota.Refusal.NONE, q.reserve("b"));
        assertEquals(SessionQuota.Refusal.SERVER_FULL, q.reserve("c"));
        q.release("a");
        assertEquals(2, q.total());
        assertEquals(SessionQuota.Refusal.NONE, q.reserve("c"));
        q.release("nosuch");
        assertEquals(3, q.total(), "releasing a stream without places changes nothing");
    }

    @Test
    void newLimitsKeepLiveSessionsCounted() {
        SessionQuota q = new SessionQuota(0, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(SessionQuota.Refusal.NONE, q.reserve("a"));
        }
        q.limits(0, 5);
        assertEquals(SessionQuota.Refusal.SERVER_FULL, q.reserve("b"));
        q.release("a");
        assertEquals(SessionQuota.Refusal.NONE, q.reserve("b"));
    }
}
