package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TtlTest {
    @Test
    void parsesOperatorForms() {
        assertEquals(Duration.ofSeconds(90), Ttl.parse("90s"));
        assertEquals(Duration.ofMinutes(10), Ttl.parse("10m"));
        assertEquals(Duration.ofHours(2), Ttl.parse(" 2h "));
        assertEquals(Duration.ofDays(1), Ttl.parse("1d"));
        assertEquals(Duration.ofSeconds(600), Ttl.parse("600"));
    }

    @Test
    void rejectsZeroNegativeAndNonsense() {
        for (String bad : new String[] {"0m", "-5m", "10x", "", "m", "1.5h", "99999999999s"}) {
            assertThrows(IllegalArgumentException.class, () -> Ttl.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse(null));
    }
}
