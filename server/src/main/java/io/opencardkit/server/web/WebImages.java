package io.opencardkit.server.web;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.StoredImage;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /web/api/images/:image_key}: an image bots uploaded, for the page's {@code img}
 * elements, markdown images and image messages. Signed-in viewers only, as every web API; the key
 * itself (128 random bits) is what shows one image, the way a Feishu image key works in any chat
 * its bot sends it to. Unknown keys are 404, and the page keeps its labelled placeholder.
 */
final class WebImages {
  private final CardStore store;
  private final Executor blocking;

  WebImages(CardStore store, Executor blocking) {
    this.store = store;
    this.blocking = blocking;
  }

  /** Mount after the web API, whose handler has identified the viewer. */
  void mount(Router router) {
    router.get("/web/api/images/:image_key").handler(ctx -> WebApi.guarded(ctx, this::image));
  }

  private void image(RoutingContext ctx) {
    WebApi.signedIn(ctx);
    String key = ctx.pathParam("image_key");
    Context context = ctx.vertx().getOrCreateContext();
    CompletableFuture.supplyAsync(() -> store.image(key), blocking)
        .whenComplete(
            (found, failure) ->
                context.runOnContext(
                    v -> {
                      if (failure != null) {
                        WebReplies.fail(ctx, failure);
                      } else {
                        send(ctx, key, found);
                      }
                    }));
  }

  private static void send(RoutingContext ctx, String key, Optional<StoredImage> found) {
    if (found.isEmpty()) {
      WebReplies.fail(ctx, WebError.of(404, "no image " + key));
      return;
    }
    if (ctx.response().ended()) {
      return;
    }
    StoredImage image = found.get();
    ctx.response()
        .putHeader("Content-Type", image.mimeType())
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader(
            "Cache-Control", "private, max-age=86400, immutable") // a key's bytes never change
        .end(Buffer.buffer(image.bytes()));
  }
}
