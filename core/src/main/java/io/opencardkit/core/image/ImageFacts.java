package io.opencardkit.core.image;

/**
 * What an uploaded image is, read from its bytes.
 *
 * @param format {@code png}, {@code jpeg}, {@code gif}, {@code webp}, {@code bmp}, {@code ico},
 *     {@code tiff} or {@code heic}
 * @param mimeType the Content-Type it is served with
 * @param width pixels
 * @param height pixels
 */
public record ImageFacts(String format, String mimeType, int width, int height) {}
