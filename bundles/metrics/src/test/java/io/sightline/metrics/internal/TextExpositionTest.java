package io.sightline.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sightline.metrics.internal.TextExposition.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextExpositionTest {

    @Test
    void writesHelpThenTypeThenSamples() {
        String page = new TextExposition(0)
                .family("a_total", Type.COUNTER, "Things.").sample(3L, "stream", "x").sample(4L, "stream", "y")
                .family("b", Type.GAUGE, "Level.").sample(1.5)
                .text();
        assertEquals("""
                # HELP a_total Things.
                # TYPE a_total counter
                a_total{stream="x"} 3
                a_total{stream="y"} 4
                # HELP b Level.
                # TYPE b gauge
                b 1.5
                """, page);
    }

    @Test
    void escapesLabelValuesAndHelp() {
        String page = new TextExposition(0)
                .family("g", Type.GAUGE, "back\\slash and\nnewline \"quoted\"")
                .sample(1L, "stream", "a\\b\"c\nd", "transport", "sfu")
                .text();
        assertEquals("# HELP g back\\\\slash and\\nnewline \"quoted\"\n# TYPE g gauge\n"
                + "g{stream=\"a\\\\b\\\"c\\nd\",transport=\"sfu\"} 1\n", page);
        StrictExpositionParser parsed = StrictExpositionParser.parse(page);
        assertEquals(1.0, parsed.value("g", "stream", "a\\b\"c\nd", "transport", "sfu"));
        assertEquals("back\\slash and\nnewline \"quoted\"", parsed.helps.get("g"));
    }

    @Test
    void keepsOtherCharactersAsUtf8Text() {
        String name = "caméra 東京 {x=1}, #2 ' \t";
        String page = new TextExposition(0).family("g", Type.GAUGE, "h").sample(2L, "stream", name).text();
        assertEquals(2.0, StrictExpositionParser.parse(page).value("g", "stream", name));
    }

    @Test
    void formatsNumbersAsPrometheusReadsThem() {
        TextExposition out = new TextExposition(0).family("g", Type.GAUGE, "h");
        for (double v : new double[] {0, -0.0, 2, 0.25, 1_795_621_713.592, -29.97, 1e-4, 1.5e20, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY}) {
            out.sample(v, "v", Double.toString(v));
        }
        out.sample(Long.MAX_VALUE, "v", "max");
        List<String> values = out.text().lines().skip(2).map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertEquals(List.of("0", "0", "2", "0.25", "1795621713.592", "-29.97", "1.0E-4", "1.5E20", "NaN", "+Inf", "-Inf", "9223372036854775807"),
                values);
        StrictExpositionParser.parse(out.text()); // every one is a valid Go float
    }

    @Test
    void refusesWhatPrometheusWouldReject() {
        assertThrows(IllegalArgumentException.class, () -> new TextExposition(0).family("bytes", Type.COUNTER, "h"));
        assertThrows(IllegalArgumentException.class, () -> new TextExposition(0).family("9lives", Type.GAUGE, "h"));
        assertThrows(IllegalArgumentException.class, () -> new TextExposition(0).family("a-b", Type.GAUGE, "h"));
        assertThrows(IllegalStateException.class, () -> new TextExposition(0).sample(1L));
        TextExposition out = new TextExposition(0).family("g", Type.GAUGE, "h").family("f", Type.GAUGE, "h");
        assertThrows(IllegalStateException.class, () -> out.family("g", Type.GAUGE, "again"));
        assertThrows(IllegalArgumentException.class, () -> out.sample(1L, "stream"));
        assertThrows(IllegalArgumentException.class, () -> out.sample(1L, "bad-label", "x"));
        assertThrows(IllegalArgumentException.class, () -> out.sample(1L, "__name__", "x"));
    }

    @Test
    void theStrictParserCatchesBrokenPages() {
        String[] broken = {
            "g 1",                                                     // no final line feed
            "g{stream=\"a\\tb\"} 1\n",                                 // escape the format does not have
            "g{stream=\"a\"b\"} 1\n",                                  // unescaped quote
            "# TYPE g gauge\ng 1\n# TYPE h gauge\nh 1\ng 2\n",         // family not contiguous
            "# TYPE c counter\nc 1\n",                                 // counter without _total
            "g 1\ng 2\n",                                              // duplicate series
            "g one\n",                                                 // not a number
            "# TYPE g gauge\n# TYPE g gauge\ng 1\n",                   // two TYPE lines
        };
        for (String page : broken) {
            assertThrows(AssertionError.class, () -> StrictExpositionParser.parse(page), page);
        }
    }
}
