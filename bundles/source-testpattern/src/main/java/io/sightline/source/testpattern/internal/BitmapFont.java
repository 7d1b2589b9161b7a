package io.sightline.source.testpattern.internal;

/**
 * A built-in 5x7 pixel font (digits, upper-case letters, a little punctuation), drawn straight into a luma plane at
 * an integer scale. Built in rather than java.awt so that the pattern needs no fonts, no fontconfig and no headless
 * toolkit on the server, and costs microseconds per line.
 */
final class BitmapFont {
    /** Glyph cell width including one column of spacing. */
    static final int ADVANCE = 6;
    /** Glyph height in font pixels. */
    static final int HEIGHT = 7;

    private static final long[] GLYPHS = new long[128];

    static {
        glyph(' ', "..... ..... ..... ..... ..... ..... .....");
        glyph('0', ".###. #...# #..## #.#.# ##..# #...# .###.");
        glyph('1', "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.");
        glyph('2', ".###. #...# ....# ...#. ..#.. .#... #####");
        glyph('3', "##### ...#. ..#.. ...#. ....# #...# .###.");
        glyph('4', "...#. ..##. .#.#. #..#. ##### ...#. ...#.");
        glyph('5', "##### #.... ####. ....# ....# #...# .###.");
        glyph('6', "..##. .#... #.... ####. #...# #...# .###.");
        glyph('7', "##### ....# ...#. ..#.. .#... .#... .#...");
        glyph('8', ".###. #...# #...# .###. #...# #...# .###.");
        glyph('9', ".###. #...# #...# .#### ....# ...#. .##..");
        glyph('A', ".###. #...# #...# ##### #...# #...# #...#");
        glyph('B', "####. #...# #...# ####. #...# #...# ####.");
        glyph('C', ".###. #...# #.... #.... #.... #...# .###.");
        glyph('D', "###.. #..#. #...# #...# #...# #..#. ###..");
        glyph('E', "##### #.... #.... ####. #.... #.... #####");
        glyph('F', "##### #.... #.... ####. #.... #.... #....");
        glyph('G', ".###. #...# #.... #.### #...# #...# .####");
        glyph('H', "#...# #...# #...# ##### #...# #...# #...#");
        glyph('I', ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.");
        glyph('J', "..### ...#. ...#. ...#. ...#. #..#. .##..");
        glyph('K', "#...# #..#. #.#.. ##... #.#.. #..#. #...#");
        glyph('L', "#.... #.... #.... #.... #.... #.... #####");
        glyph('M', "#...# ##.## #.#.# #.#.# #...# #...# #...#");
        glyph('N', "#...# #...# ##..# #.#.# #..## #...# #...#");
        glyph('O', ".###. #...# #...# #...# #...# #...# .###.");
        glyph('P', "####. #...# #...# ####. #.... #.... #....");
        glyph('Q', ".###. #...# #...# #...# #.#.# #..#. .##.#");
        glyph('R', "####. #...# #...# ####. #.#.. #..#. #...#");
        glyph('S', ".#### #.... #.... .###. ....# ....# ####.");
        glyph('T', "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..");
        glyph('U', "#...# #...# #...# #...# #...# #...# .###.");
        glyph('V', "#...# #...# #...# #...# #...# .#.#. ..#..");
        glyph('W', "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.");
        glyph('X', "#...# #...# .#.#. ..#.. .#.#. #...# #...#");
        glyph('Y', "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..");
        glyph('Z', "##### ....# ...#. ..#.. .#... #.... #####");
        glyph(':', "..... .##.. .##.. ..... .##.. .##.. .....");
        glyph('.', "..... ..... ..... ..... ..... .##.. .##..");
        glyph('-', "..... ..... ..... ##### ..... ..... .....");
        glyph('_', "..... ..... ..... ..... ..... ..... #####");
        glyph('+', "..... ..#.. ..#.. ##### ..#.. ..#.. .....");
        glyph('/', "..... ....# ...#. ..#.. .#... #.... .....");
        glyph('#', ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.");
        glyph('?', ".###. #...# ....# ...#. ..#.. ..... ..#..");
    }

    private BitmapFont() {
    }

    private static void glyph(char c, String rows) {
        String bits = rows.replace(" ", "");
        if (bits.length() != 5 * HEIGHT) {
            throw new IllegalStateException("bad glyph " + c);
        }
        long mask = 0;
        for (int i = 0; i < bits.length(); i++) {
            if (bits.charAt(i) == '#') {
                mask |= 1L << i;
            }
        }
        GLYPHS[c] = mask;
    }

    /** The glyph bits of a character (row-major, bit {@code row * 5 + col}); unknown characters draw as '?'. */
    static long glyph(char c) {
        char upper = Character.toUpperCase(c);
        if (upper < GLYPHS.length && (GLYPHS[upper] != 0 || upper == ' ')) {
            return GLYPHS[upper];
        }
        return GLYPHS['?'];
    }

    /**
     * Draws {@code length} characters of {@code text} with their top-left corner at (x, y), each font pixel a
     * {@code scale x scale} block of luma {@code value}; everything outside the picture is clipped.
     */
    static void draw(I420Canvas canvas, CharSequence text, int length, int x, int y, int scale, int value) {
        for (int i = 0; i < length; i++) {
            long bits = glyph(text.charAt(i));
            int left = x + i * ADVANCE * scale;
            if (left >= canvas.width()) {
                return;
            }
            for (int bit = 0; bits != 0; bit++, bits >>>= 1) {
                if ((bits & 1) != 0) {
                    canvas.fillLuma(left + (bit % 5) * scale, y + (bit / 5) * scale, scale, scale, value);
                }
            }
        }
    }

    /** Width in pixels of {@code length} characters at this scale (without the last spacing column). */
    static int width(int length, int scale) {
        return length == 0 ? 0 : (length * ADVANCE - 1) * scale;
    }
}
