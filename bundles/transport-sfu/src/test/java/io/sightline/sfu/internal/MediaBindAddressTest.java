package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** bind.address, else SIGHTLINE_BIND_ADDRESS when it names one address, else the wildcard. */
class MediaBindAddressTest {

    @Test
    void theSettingWinsThenAConcreteEnvironmentAddressThenTheWildcard() throws Exception {
        assertEquals(InetAddress.getByName("10.1.2.3"), MediaBindAddress.resolve(" 10.1.2.3 ", "127.0.0.1"));
        assertEquals(InetAddress.getByName("127.0.0.1"), MediaBindAddress.resolve("", "127.0.0.1"));
        assertEquals(InetAddress.getByName("::1"), MediaBindAddress.resolve(null, "::1"));
        assertNull(MediaBindAddress.resolve("", "0.0.0.0"), "the HTTP default binds everything: so does media");
        assertNull(MediaBindAddress.resolve("", "::"));
        assertNull(MediaBindAddress.resolve("", null));
        assertNull(MediaBindAddress.resolve("  ", " "));
        assertNull(MediaBindAddress.resolve("0.0.0.0", "127.0.0.1"), "an explicit wildcard overrides the variable");
    }
}
