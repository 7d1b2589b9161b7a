package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyframeRequestsTest {
    @Test
    void atMostOneRequestPerIntervalReachesTheSource() {
        KeyframeRequests k = new KeyframeRequests();
        assertTrue(k.request(0), "the first request passes, even at time 0");
        assertTrue(k.wanted());
        assertFalse(k.request(KeyframeRequests.INTERVAL_MS - 1));
        assertTrue(k.request(KeyframeRequests.INTERVAL_MS));
        k.satisfied();
        assertFalse(k.wanted());
        assertFalse(k.request(KeyframeRequests.INTERVAL_MS + 10), "limited even after a keyframe went out");
        assertFalse(k.wanted());
        k.want();
        assertTrue(k.wanted());
    }
}
