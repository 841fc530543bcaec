package io.opencardkit.core.store;

import java.util.Objects;

/**
 * An image a bot uploaded ({@code im/v1/images}), as stored: every node of a cluster serves it from
 * the store.
 *
 * @param imageKey {@code img_v3_…}, unguessable
 * @param appId the app that uploaded it
 * @param mimeType the Content-Type it is served with ({@code image/png}, …)
 * @param width pixels
 * @param height pixels
 * @param bytes the image as uploaded (do not change the array)
 * @param createdAtMillis when it was uploaded
 */
public record StoredImage(
    String imageKey,
    String appId,
    String mimeType,
    int width,
    int height,
    byte[] bytes,
    long createdAtMillis) {
  public StoredImage {
    Objects.requireNonNull(imageKey, "imageKey");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(bytes, "bytes");
  }
}
