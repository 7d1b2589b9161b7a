package io.sightline.sfu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sightline.rtp.rtcp.NtpTime;
import io.sightline.rtp.rtcp.ReportBlock;
import io.sightline.rtp.rtp.RtpHeader;
import io.sightline.testing.TestStream;
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
    void aLossyLinkRaisesTheMinimumToCoverARepairOnlyWhenTheRoundTripIsKnown() {
        PlayoutDelay configured = PlayoutDelay.parse("30");
        assertEquals(configured, configured.forLink(false, 80), "clean link");
        assertEquals(configured, configured.forLink(true, -1), "RTT not known yet");
        assertEquals(new PlayoutDelay(100, 100), configured.forLink(true, 75.5), "RTT + 20 ms, in 10 ms steps");
        assertEquals(configured, configured.forLink(true, 5), "30 ms already covers a 5 ms round trip");
        assertEquals(configured, configured.forLink(true, 45), "a repair within 45 ms is a hitch, not worth buffering");
        assertEquals(new PlayoutDelay(70, 70), configured.forLink(true, 50));
        assertEquals(new PlayoutDelay(500, 500), configured.forLink(true, 2000), "capped");
        assertEquals(new PlayoutDelay(80, 200), PlayoutDelay.parse("0-200").forLink(true, 60));
        assertFalse(PlayoutDelay.BROWSER.forLink(true, 80).sent(), "not sent stays not sent");
    }

    @Test
    void aViewerOnALossyLinkGetsTheRaisedDelayInItsPackets() {
        var fanout = new StreamFanout(new TestStream("cam"));
        fanout.start();
        fanout.onTracks(List.of(Units.VIDEO));
        try {
            TestViewer v = new TestViewer(fanout, 0x77777777L, 0x77777778L, 102, 103, 0, 0, p -> true, EXTENSION_ID,
                    PlayoutDelay.parse("30")).connect();
            fanout.onMedia(Units.frame(0, true, 500));
            // 5% lost, and a sender report of ours echoed 80 ms ago with no delay: an 80 ms round trip.
            long lsr = NtpTime.compact(NtpTime.fromEpochMillis(System.currentTimeMillis() - 80));
            v.session.onReportBlock(1, new ReportBlock(0x77777777L, 13, 1, 1, 0, lsr, 0));
            v.session.maybeSendReports(System.nanoTime() + 2_000_000_000L); // the next report time
            assertTrue(v.session.lossyLink());
            PlayoutDelay raised = v.session.sentPlayoutDelay();
            assertTrue(raised.minMillis() >= 100 && raised.minMillis() <= 120, raised.toString());
            int before = v.wire.size();
            fanout.onMedia(Units.frame(1, false, 500));
            byte[] p = v.decryptFresh(v.wire.get(before));
            RtpHeader h = new RtpHeader();
            h.read(p, 0, p.length);
            byte[] value = new byte[3];
            h.extension(EXTENSION_ID, value, 0);
            byte[] expected = new byte[3];
            raised.write(expected, 0);
            assertArrayEquals(expected, value);
        } finally {
            fanout.close();
        }
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
        TestStream stream = new TestStream("cam");
        assertEquals(PlayoutDelay.parse(PlayoutDelay.DEFAULT_KEY), sfu.playoutDelayFor(stream));
        stream.properties(Map.of("playout.delay", "0-100"));
        assertEquals(new PlayoutDelay(0, 100), sfu.playoutDelayFor(stream));
        stream.properties(Map.of("playout.delay", "browser"));
        assertFalse(sfu.playoutDelayFor(stream).sent());
        stream.properties(Map.of("playout.delay", "15"));
        assertEquals(PlayoutDelay.parse(PlayoutDelay.DEFAULT_KEY), sfu.playoutDelayFor(stream));
    }

    @Test
    void aMistypedSfuSettingFallsBackToItsDefaultInsteadOfStoppingTheSfu() {
        assertEquals(new PlayoutDelay(30, 30), SfuTransport.setting("playout.delay", "25", PlayoutDelay::parse, "30"));
        assertEquals(new PlayoutDelay(0, 0), SfuTransport.setting("playout.delay", "0", PlayoutDelay::parse, "30"));
        assertEquals(ViewerStart.GOP_BURST, SfuTransport.setting("viewer.start", "gop", ViewerStart::parse, "gop-burst"));
    }

    private static List<byte[]> packetsFor(PlayoutDelay delay, int extensionId) {
        StreamFanout fanout = new StreamFanout(new TestStream("cam"));
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
