package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.rtp.rtp.RtpHeader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code playout.delay}: parsing, the extension's bytes, and what a viewer's packets carry. */
class PlayoutDelayTest {
    private static final int EXTENSION_ID = 6;

    @Test
    void fixedDelayRangeAndBrowserParse() {
        assertEquals(new PlayoutDelay(30, 30), PlayoutDelay.parse("30"));
        assertEquals(new PlayoutDelay(0, 100), PlayoutDelay.parse(" 0-100 "));
        assertEquals(new PlayoutDelay(0, 0), PlayoutDelay.parse("0"));
        assertEquals(new PlayoutDelay(40950, 40950), PlayoutDelay.parse("40950"));
        assertFalse(PlayoutDelay.parse("Browser").sent());
        assertEquals("30", PlayoutDelay.parse("30").key());
        assertEquals("0-100", PlayoutDelay.parse("0-100").key());
        assertEquals("browser", PlayoutDelay.parse("browser").key());
        assertTrue(PlayoutDelay.parse(PlayoutDelay.DEFAULT_KEY).sent());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "abc", "25", "-10", "40960", "100-0", "10-", "-", "10-20-30", "1e2" })
    void anythingElseIsRejectedWithTheAcceptedForms(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> PlayoutDelay.parse(value));
        assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("multiple of 10"), e.getMessage());
    }

    @Test
    void extensionHoldsMinimumAndMaximumIn10MsUnitsTwelveBitsEach() {
        byte[] ext = new byte[3];
        new PlayoutDelay(30, 30).write(ext, 0);
        assertArrayEquals(new byte[] { 0x00, 0x30, 0x03 }, ext);
        new PlayoutDelay(100, 40950).write(ext, 0);
        assertArrayEquals(new byte[] { 0x00, (byte) 0xaf, (byte) 0xff }, ext);
    }

    @Test
    void everyVideoPacketCarriesTheConfiguredDelay() {
        List<byte[]> packets = packetsFor(PlayoutDelay.parse("30"), EXTENSION_ID);
        assertFalse(packets.isEmpty());
        RtpHeader h = new RtpHeader();
        for (byte[] p : packets) {
            h.read(p, 0, p.length);
            byte[] value = new byte[3];
            assertEquals(3, h.extension(EXTENSION_ID, value, 0));
            assertArrayEquals(new byte[] { 0x00, 0x30, 0x03 }, value);
        }
    }

    @Test
    void browserModeAndViewersThatDidNotOfferItGetNoExtension() {
        RtpHeader h = new RtpHeader();
        for (byte[] p : packetsFor(PlayoutDelay.BROWSER, EXTENSION_ID)) {
            h.read(p, 0, p.length);
            assertEquals(-1, h.extensionLength(EXTENSION_ID));
        }
        for (byte[] p : packetsFor(PlayoutDelay.parse("30"), 0)) {
            h.read(p, 0, p.length);
            assertEquals(0, h.extensionCount());
        }
    }

    @Test
    void aStreamsOwnValueOverridesTheSfusAndAnInvalidOneFallsBackToIt() {
        SfuTransport sfu = new SfuTransport(); // not activated: the SFU-wide default applies
        FakeStream stream = new FakeStream();
        assertEquals(PlayoutDelay.parse(PlayoutDelay.DEFAULT_KEY), sfu.playoutDelayFor(stream));
        stream.properties = Map.of("playout.delay", "0-100");
        assertEquals(new PlayoutDelay(0, 100), sfu.playoutDelayFor(stream));
        stream.properties = Map.of("playout.delay", "browser");
        assertFalse(sfu.playoutDelayFor(stream).sent());
        stream.properties = Map.of("playout.delay", "15");
        assertEquals(PlayoutDelay.parse(PlayoutDelay.DEFAULT_KEY), sfu.playoutDelayFor(stream));
    }

    @Test
    void aMistypedSfuSettingFallsBackToItsDefaultInsteadOfStoppingTheSfu() {
        assertEquals(new PlayoutDelay(30, 30), SfuTransport.setting("playout.delay", "25", PlayoutDelay::parse, "30"));
        assertEquals(new PlayoutDelay(0, 0), SfuTransport.setting("playout.delay", "0", PlayoutDelay::parse, "30"));
        assertEquals(ViewerStart.GOP_BURST, SfuTransport.setting("viewer.start", "gop", ViewerStart::parse, "gop-burst"));
    }

    private static List<byte[]> packetsFor(PlayoutDelay delay, int extensionId) {
        StreamFanout fanout = new StreamFanout(new FakeStream());
        fanout.start();
        try {
            fanout.onTracks(List.of(Units.VIDEO));
            TestViewer v = new TestViewer(fanout, 0x51515151L, 0x52525252L, 102, 103, 1, 0, p -> true, extensionId,
                    delay).connect();
            for (int f = 0; f < 3; f++) {
                fanout.onMedia(Units.frame(f, f == 0, 900 + f));
            }
            return v.rtp();
        } finally {
            fanout.close();
        }
    }
}
