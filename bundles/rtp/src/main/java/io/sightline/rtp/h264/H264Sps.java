package io.sightline.rtp.h264;

import java.nio.ByteBuffer;

/**
 * The fields of an H.264 sequence parameter set (ITU-T H.264 section 7.3.2.1.1 and Annex E.1.1 VUI) that decide
 * how a source or a publisher's stream is treated (moved here from source-ffmpeg so that WHIP ingest reads the
 * picture size too): picture size after cropping, frame rate from the VUI timing info, and whether
 * frames may be reordered (B-frames), which a WebRTC passthrough cannot carry.
 *
 * @since 0.3.0
 *
 * @param profileIdc        profile_idc (66 Baseline, 77 Main, 100 High, ...)
 * @param constraints       the constraint_set flags byte
 * @param levelIdc          level_idc
 * @param chromaFormatIdc   1 for 4:2:0
 * @param bitDepth          luma bit depth
 * @param width             displayed width in pixels
 * @param height            displayed height in pixels
 * @param fps               frame rate from timing_info, 0 when absent
 * @param maxReorderFrames  max_num_reorder_frames from bitstream_restriction, -1 when absent
 */
public record H264Sps(int profileIdc, int constraints, int levelIdc, int chromaFormatIdc, int bitDepth, int width,
        int height, double fps, int maxReorderFrames) {
    /** Macroblocks per side at most: 16384 pixels, more than any H.264 level allows. */
    private static final int MAX_MBS = 1024;

    private static final int BASELINE = 66;

    /**
     * Whether the SPS announces frame reordering (B-frames): Baseline forbids it; other profiles say so in the VUI's
     * bitstream_restriction. Without that field nothing is promised either way (slices must then be watched).
     */
    public boolean reordersFrames() {
        return profileIdc != BASELINE && maxReorderFrames > 0;
    }

    /** Whether browsers decode this over WebRTC: 8-bit 4:2:0 Baseline, Main or High. */
    public boolean webRtcDecodable() {
        return chromaFormatIdc == 1 && bitDepth == 8
                && (profileIdc == BASELINE || profileIdc == 77 || profileIdc == 100);
    }

    /**
     * Parses an SPS NAL unit (header byte included, without start code).
     *
     * @throws IllegalArgumentException when it is not an SPS or is truncated
     */
    public static H264Sps parse(ByteBuffer nal) {
        BitReader r = new BitReader(unescape(nal));
        if ((r.bits(8) & 0x1f) != 7) {
            throw new IllegalArgumentException("not an SPS NAL unit");
        }
        int profile = r.bits(8);
        int constraints = r.bits(8);
        int level = r.bits(8);
        r.ue(); // seq_parameter_set_id
        int chroma = 1;
        int bitDepth = 8;
        boolean separateColourPlane = false;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chroma = r.ue();
            if (chroma == 3) {
                separateColourPlane = r.bit();
            }
            bitDepth = r.ue() + 8;
            r.ue(); // bit_depth_chroma_minus8
            r.bit(); // qpprime_y_zero_transform_bypass_flag
            if (r.bit()) { // seq_scaling_matrix_present_flag
                for (int i = 0; i < (chroma != 3 ? 8 : 12); i++) {
                    if (r.bit()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue();
        } else if (pocType == 1) {
            r.bit();
            r.se();
            r.se();
            int cycle = r.ue();
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        }
        r.ue(); // max_num_ref_frames
        r.bit(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.bit();
        if (!frameMbsOnly) {
            r.bit(); // mb_adaptive_frame_field_flag
        }
        r.bit(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.bit()) {
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        if (chroma > 3 || bitDepth > 14 || widthMbs < 1 || widthMbs > MAX_MBS || heightMapUnits < 1
                || heightMapUnits > MAX_MBS) {
            // Out of the ranges H.264 allows (7.4.2.1.1, and no level has a side over 16384 pixels): the products
            // below would overflow into a negative picture size (found by fuzzing).
            throw new IllegalArgumentException("SPS values out of range: chroma_format_idc " + chroma + ", bit depth "
                    + bitDepth + ", " + widthMbs + "x" + heightMapUnits + " macroblocks");
        }
        int arrayType = separateColourPlane ? 0 : chroma;
        int cropUnitX = arrayType == 0 ? 1 : (chroma == 3 ? 1 : 2);
        int cropUnitY = (arrayType == 0 ? 1 : (chroma == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
        long croppedWidth = widthMbs * 16L - cropUnitX * ((long) cropLeft + cropRight);
        long croppedHeight = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16L - cropUnitY * ((long) cropTop + cropBottom);
        if (croppedWidth <= 0 || croppedHeight <= 0) {
            throw new IllegalArgumentException("SPS cropping leaves no picture");
        }
        int width = (int) croppedWidth;
        int height = (int) croppedHeight;
        double fps = 0;
        int reorder = -1;
        if (r.bit()) { // vui_parameters_present_flag
            double[] timing = new double[1];
            reorder = parseVui(r, timing);
            fps = timing[0];
        }
        return new H264Sps(profile, constraints, level, chroma, bitDepth, width, height, fps, reorder);
    }

    /** Reads the VUI up to bitstream_restriction; returns max_num_reorder_frames or -1, sets {@code fps[0]}. */
    private static int parseVui(BitReader r, double[] fps) {
        if (r.bit()) { // aspect_ratio_info_present_flag
            if (r.bits(8) == 255) {
                r.bits(16);
                r.bits(16);
            }
        }
        if (r.bit()) { // overscan_info_present_flag
            r.bit();
        }
        if (r.bit()) { // video_signal_type_present_flag
            r.bits(4);
            if (r.bit()) {
                r.bits(24);
            }
        }
        if (r.bit()) { // chroma_loc_info_present_flag
            r.ue();
            r.ue();
        }
        if (r.bit()) { // timing_info_present_flag
            long unitsInTick = r.bits(32) & 0xffffffffL;
            long timeScale = r.bits(32) & 0xffffffffL;
            r.bit();
            if (unitsInTick > 0) {
                fps[0] = timeScale / (2.0 * unitsInTick);
            }
        }
        boolean nalHrd = r.bit();
        if (nalHrd) {
            skipHrd(r);
        }
        boolean vclHrd = r.bit();
        if (vclHrd) {
            skipHrd(r);
        }
        if (nalHrd || vclHrd) {
            r.bit(); // low_delay_hrd_flag
        }
        r.bit(); // pic_struct_present_flag
        if (!r.bit()) { // bitstream_restriction_flag
            return -1;
        }
        r.bit();
        r.ue();
        r.ue();
        r.ue();
        r.ue();
        return r.ue(); // max_num_reorder_frames
    }

    private static void skipHrd(BitReader r) {
        int count = r.ue() + 1;
        r.bits(8); // bit_rate_scale, cpb_size_scale
        for (int i = 0; i < count; i++) {
            r.ue();
            r.ue();
            r.bit();
        }
        r.bits(20); // four 5-bit length fields
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size && next != 0; j++) {
            next = (last + r.se() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }

    /** Removes emulation prevention bytes ({@code 00 00 03} becomes {@code 00 00}). */
    public static byte[] unescape(ByteBuffer nal) {
        byte[] out = new byte[nal.remaining()];
        int n = 0;
        int zeros = 0;
        for (int i = nal.position(); i < nal.limit(); i++) {
            byte b = nal.get(i);
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = b;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Reads bits MSB first; Exp-Golomb codes per H.264 section 9.1. */
    public static final class BitReader {
        private final byte[] data;
        private int bit;

        public BitReader(byte[] data) {
            this.data = data;
        }

        public boolean bit() {
            if (bit >= data.length * 8) {
                throw new IllegalArgumentException("truncated H.264 parameter set");
            }
            int v = (data[bit >> 3] >> (7 - (bit & 7))) & 1;
            bit++;
            return v == 1;
        }

        public int bits(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 1) | (bit() ? 1 : 0);
            }
            return v;
        }

        public int ue() {
            int zeros = 0;
            while (!bit()) {
                if (++zeros > 31) {
                    throw new IllegalArgumentException("bad Exp-Golomb code");
                }
            }
            long v = (1L << zeros) - 1 + (bits(zeros) & 0xffffffffL);
            if (v > Integer.MAX_VALUE) { // no SPS field goes this high; as an int it would turn negative (fuzzing)
                throw new IllegalArgumentException("Exp-Golomb value out of range");
            }
            return (int) v;
        }

        public int se() {
            int k = ue();
            return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        }
    }
}
