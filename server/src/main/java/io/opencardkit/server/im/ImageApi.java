package io.opencardkit.server.im;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.image.ImageFacts;
import io.opencardkit.core.image.ImageInspector;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.core.store.StoredImage;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.http.HttpFrontDoor;
import io.opencardkit.server.http.Multipart;
import io.opencardkit.server.http.Responder;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Images: {@code POST /open-apis/im/v1/images} stores an upload in the store (so every node of a
 * cluster serves it) and answers its {@code image_key}; {@code GET
 * /open-apis/im/v1/messages/:message_id/resources/:file_key?type=image} returns an image of an
 * image or post message, as Feishu's endpoint does (not of card messages: 234043).
 */
public final class ImageApi {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CardStore store;
  private final Supplier<Directory> directory;
  private final Clock clock;
  private final Executor blocking;

  public ImageApi(CardStore store, Supplier<Directory> directory, Clock clock, Executor blocking) {
    this.store = store;
    this.directory = directory;
    this.clock = clock;
    this.blocking = blocking;
  }

  public void mount(Router router) {
    router.post(HttpFrontDoor.IMAGE_UPLOAD_PATH).handler(this::upload);
    router.get("/open-apis/im/v1/messages/:message_id/resources/:file_key").handler(this::resource);
  }

  private void upload(RoutingContext ctx) {
    try {
      HttpFrontDoor.Upload body = ctx.get(HttpFrontDoor.UPLOAD);
      if (body.bytes() == null) {
        throw ApiException.of(
            ErrorCode.IMAGE_TOO_LARGE,
            "an image may have at most 10 MB, the request has " + body.totalBytes() + " bytes");
      }
      String contentType = ctx.request().getHeader("Content-Type");
      if (contentType == null
          || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
        throw ApiException.of(
            ErrorCode.IMAGE_INVALID_PARAM,
            "send multipart/form-data with the fields image_type and image");
      }
      Map<String, Multipart.Part> parts;
      try {
        parts = Multipart.parse(contentType, body.bytes());
      } catch (IllegalArgumentException e) {
        throw ApiException.of(ErrorCode.IMAGE_INVALID_PARAM, e.getMessage());
      }
      Multipart.Part type = parts.get("image_type");
      String imageType = type == null ? "" : type.text().trim();
      if (!imageType.equals("message") && !imageType.equals("avatar")) {
        throw ApiException.of(
            ErrorCode.IMAGE_INVALID_PARAM,
            "image_type must be message or avatar, got '" + imageType + "'");
      }
      Multipart.Part image = parts.get("image");
      if (image == null) {
        throw ApiException.of(
            ErrorCode.IMAGE_INVALID_PARAM, "the field image (the image file) is missing");
      }
      ImageFacts facts = ImageInspector.inspect(image.data(), imageType.equals("avatar"));
      String key = newImageKey();
      StoredImage stored =
          new StoredImage(
              key,
              ctx.get(Responder.APP_ID),
              facts.mimeType(),
              facts.width(),
              facts.height(),
              image.data(),
              clock.millis());
      Responder.reply(ctx, store.saveImage(stored), v -> Json.object().put("image_key", key));
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  /**
   * {@code img_v3_} and 128 random bits: a key is the only thing that lets anyone see the image.
   */
  private static String newImageKey() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return "img_v3_okc_" + HexFormat.of().formatHex(b);
  }

  private void resource(RoutingContext ctx) {
    String appId = ctx.get(Responder.APP_ID);
    String messageId = ctx.pathParam("message_id");
    String fileKey = ctx.pathParam("file_key");
    String type = ctx.queryParams().get("type");
    if (!"image".equals(type) && !"file".equals(type)) {
      Responder.refuse(
          ctx, ApiException.of(ErrorCode.IMAGE_INVALID_PARAM, "type must be image or file"));
      return;
    }
    Context context = ctx.vertx().getOrCreateContext();
    CompletableFuture.supplyAsync(() -> imageOf(appId, messageId, fileKey), blocking)
        .whenComplete(
            (image, failure) ->
                context.runOnContext(
                    v -> {
                      if (failure != null) {
                        Responder.fail(ctx, failure);
                      } else if (!ctx.response().ended()) {
                        ctx.response()
                            .putHeader("Content-Type", image.mimeType())
                            .putHeader(
                                "Content-Disposition",
                                "attachment; filename=\""
                                    + image.imageKey()
                                    + "."
                                    + extension(image.mimeType())
                                    + "\"")
                            .putHeader("X-Content-Type-Options", "nosniff")
                            .end(Buffer.buffer(image.bytes()));
                      }
                    }));
  }

  /** Runs on the blocking executor. */
  private StoredImage imageOf(String appId, String messageId, String fileKey) {
    MessageRecord message =
        store
            .message(messageId)
            .orElseThrow(() -> new ApiException(ErrorCode.IM_MESSAGE_NOT_FOUND));
    Chat chat = directory.get().chat(message.chatId()).orElse(null);
    if (chat == null || !chat.members().contains(appId)) {
      throw ApiException.of(
          ErrorCode.RESOURCE_APP_NOT_IN_CHAT,
          "the bot is not a member of chat " + message.chatId());
    }
    if (!"image".equals(message.msgType()) && !"post".equals(message.msgType())) {
      if ("interactive".equals(message.msgType())) {
        throw ApiException.of(
            ErrorCode.RESOURCE_UNSUPPORTED_MESSAGE,
            "resources of card messages cannot be downloaded");
      }
      throw ApiException.of(
          ErrorCode.RESOURCE_NOT_IN_MESSAGE,
          message.msgType() + " message " + messageId + " holds no " + fileKey);
    }
    if (!mentionsImage(Json.parseOrNull(message.content()), fileKey)) {
      throw ApiException.of(
          ErrorCode.RESOURCE_NOT_IN_MESSAGE, "message " + messageId + " holds no " + fileKey);
    }
    return store
        .image(fileKey)
        .orElseThrow(
            () ->
                ApiException.of(
                    ErrorCode.RESOURCE_NOT_IN_MESSAGE,
                    fileKey + " was not uploaded to OpenCardKit"));
  }

  /**
   * Whether an image or post content shows {@code key}: an {@code image_key} field anywhere in it.
   */
  static boolean mentionsImage(JsonNode content, String key) {
    if (content == null) {
      return false;
    }
    if (content.isObject() && key.equals(content.path("image_key").asText(null))) {
      return true;
    }
    for (JsonNode child : content) {
      if (mentionsImage(child, key)) {
        return true;
      }
    }
    return false;
  }

  private static String extension(String mimeType) {
    switch (mimeType) {
      case "image/jpeg":
        return "jpg";
      case "image/x-icon":
        return "ico";
      default:
        return mimeType.substring(mimeType.indexOf('/') + 1);
    }
  }
}
