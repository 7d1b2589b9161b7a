package io.sightline.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamSettingsAccessTest {
    @Test
    void acceptsAddressesAndBlocksForAnonymousAccess() {
        StreamSettings s = StreamSettings.from(Map.of("name", "demo", "access", "public",
                StreamSettings.PUBLIC_FROM, "127.0.0.1/8, ::1, 10.0.0.0/8, fd00::/8"));
        assertEquals("127.0.0.1/8, ::1, 10.0.0.0/8, fd00::/8", s.properties().get(StreamSettings.PUBLIC_FROM));
        StreamSettings.from(Map.of("name", "demo", StreamSettings.PUBLIC_FROM, new String[] {"192.168.0.0/16"}));
    }

    @Test
    void refusesHostNamesWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamSettings.from(
                Map.of("name", "demo", "access", "public", StreamSettings.PUBLIC_FROM, "127.0.0.1, localhost")));
        assertEquals("access.public.from takes IP addresses and CIDR blocks such as 127.0.0.1/8 or ::1, got "
                + "'localhost'", e.getMessage());
    }
}
