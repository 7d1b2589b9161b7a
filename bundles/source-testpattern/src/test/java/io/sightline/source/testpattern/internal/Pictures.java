package io.sightline.source.testpattern.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Picture manipulations for tests: what a scaler, a noisy channel or a lossy codec does to a luma plane. */
final class Pictures {
    private Pictures() {
    }

    static byte[] luma(byte[] i420, int width, int height) {
        byte[] y = new byte[width * height];
        System.arraycopy(i420, 0, y, 0, y.length);
        return y;
    }

    /** Box-filter downscale by an integer factor (each output pixel averages a factor x factor block). */
    static byte[] downscaleBox(byte[] luma, int width, int height, int factor) {
        int w = width / factor;
        int h = height / factor;
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sum = 0;
                for (int dy = 0; dy < factor; dy++) {
                    for (int dx = 0; dx < factor; dx++) {
                        sum += luma[(y * factor + dy) * width + x * factor + dx] & 0xFF;
                    }
                }
                out[y * w + x] = (byte) ((sum + factor * factor / 2) / (factor * factor));
            }
        }
        return out;
    }

    /** Nearest-neighbour resize to any size. */
    static byte[] resizeNearest(byte[] luma, int width, int height, int w, int h) {
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            int sy = y * height / h;
            for (int x = 0; x < w; x++) {
                out[y * w + x] = luma[sy * width + x * width / w];
            }
        }
        return out;
    }

    /** Adds uniform noise of up to +-amplitude to every pixel, clamped. */
    static byte[] addNoise(byte[] luma, int amplitude, long seed) {
        Random random = new Random(seed);
        byte[] out = new byte[luma.length];
        for (int i = 0; i < luma.length; i++) {
            int v = (luma[i] & 0xFF) + random.nextInt(2 * amplitude + 1) - amplitude;
            out[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return out;
    }

    /** Encodes the plane as a greyscale JPEG at the given quality (0..1) and decodes it again. */
    static byte[] jpegRoundTrip(byte[] luma, int width, int height, float quality) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        System.arraycopy(luma, 0, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, luma.length);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        try {
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            byte[] out = new byte[width * height];
            decoded.getRaster().getDataElements(0, 0, width, height, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Converts I420 (BT.601 video range) to full-range RGBA, as a browser does when it paints a decoded frame. */
    static byte[] toRgba(byte[] i420, int width, int height) {
        int chromaWidth = (width + 1) / 2;
        int uOffset = width * height;
        int vOffset = uOffset + chromaWidth * ((height + 1) / 2);
        byte[] rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double c = 1.164 * ((i420[y * width + x] & 0xFF) - 16);
                int ci = (y / 2) * chromaWidth + x / 2;
                double d = (i420[uOffset + ci] & 0xFF) - 128;
                double e = (i420[vOffset + ci] & 0xFF) - 128;
                int i = (y * width + x) * 4;
                rgba[i] = clamp(c + 1.596 * e);
                rgba[i + 1] = clamp(c - 0.392 * d - 0.813 * e);
                rgba[i + 2] = clamp(c + 2.017 * d);
                rgba[i + 3] = (byte) 255;
            }
        }
        return rgba;
    }

    private static byte clamp(double v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
}
