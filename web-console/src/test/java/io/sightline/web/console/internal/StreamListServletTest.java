package io.sightline.web.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamListServletTest {
    @Test
    void jsonStringsAreEscapedAndSafeToEmbedInHtml() {
        assertEquals("\"a\\\"b\\\\c\"", StreamListServlet.quote("a\"b\\c"));
        assertEquals("\"\\u003cscript\\u003e\\u000a\"", StreamListServlet.quote("<script>\n"));
    }

    @Test
    void theJsonListIsNotThePage() {
        assertTrue(StreamListServlet.isListPath("/streams", null));
        assertFalse(StreamListServlet.isListPath("/streams.json", null));
    }
}
