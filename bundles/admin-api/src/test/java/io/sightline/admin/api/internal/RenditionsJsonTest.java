package io.sightline.admin.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sightline.api.media.Codec;
import io.sightline.api.stream.Rendition;
import io.sightline.api.stream.RenditionStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The renditions of {@code /api/streams}: a simulcast publisher's layers marked, with no encoder (decision 0048). */
class RenditionsJsonTest {
    @Test
    void aLayerIsMarkedSimulcastWithItsRidAndAnEncodedRungIsNot() {
        List<Map<String, Object>> json = AdminApiServlet.renditionsJson(List.of(
                new RenditionStatus(Rendition.layer("m", Codec.H264, 640, 360, 480), 1, 3, 900, 0, 1_000),
                new RenditionStatus(new Rendition(Codec.VP8, 1280, 720, 2000), 1, 1, 300, 2_000_000_000L, 1_000)),
                11_000);
        Map<String, Object> layer = json.get(0);
        assertEquals("h264-layer-m", layer.get("rendition"));
        assertEquals(true, layer.get("simulcast"));
        assertEquals("m", layer.get("layer"));
        assertEquals(640, layer.get("width"));
        assertEquals(480, layer.get("bitrateKbps"));
        assertEquals(3, layer.get("viewers"));
        assertEquals(0.0, layer.get("encodeCpuPercent"));
        Map<String, Object> encoded = json.get(1);
        assertEquals(false, encoded.get("simulcast"));
        assertFalse(encoded.containsKey("layer"));
        assertEquals(20.0, encoded.get("encodeCpuPercent"), "2 s of encoder CPU in 10 s");
    }
}
