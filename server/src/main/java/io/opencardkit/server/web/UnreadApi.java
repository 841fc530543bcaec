package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Unread counts of the web chat (docs/web-protocol.md): {@code GET /web/api/unread} and {@code POST
 * /web/api/chats/:chat_id/read}. Store reads and writes run on the blocking executor.
 */
final class UnreadApi {
  private final ViewerAuth auth;
  private final Supplier<Directory> directory;
  private final CardStore store;
  private final ReadMarks marks;
  private final Executor blocking;

  UnreadApi(
      ViewerAuth auth,
      Supplier<Directory> directory,
      CardStore store,
      ReadMarks marks,
      Executor blocking) {
    this.auth = auth;
    this.directory = directory;
    this.store = store;
    this.marks = marks;
    this.blocking = blocking;
  }

  /**
   * Mount after {@link WebApi#mount}, which installs the body handler and identifies the viewer
   * under {@code /web/api/*}.
   */
  void mount(Router router) {
    router.get("/web/api/unread").handler(ctx -> WebApi.guarded(ctx, this::unread));
    router.post("/web/api/chats/:chat_id/read").handler(ctx -> WebApi.guarded(ctx, this::read));
  }

  private static User viewer(RoutingContext ctx) {
    return WebApi.signedIn(ctx).user();
  }

  private void unread(RoutingContext ctx) {
    User user = viewer(ctx);
    WebReplies.reply(
        ctx,
        CompletableFuture.supplyAsync(
            () -> {
              ArrayNode chats = Json.MAPPER.createArrayNode();
              for (Chat chat : directory.get().chatsOf(user.openId())) {
                ReadMarks.Unread unread = marks.unread(user.openId(), chat.chatId());
                ObjectNode node =
                    chats.addObject().put("chat_id", chat.chatId()).put("unread", unread.count());
                node.set("read", unread.mark() == null ? null : unread.mark().toJson());
                node.set(
                    "newest",
                    unread.newest() == null
                        ? null
                        : Json.object()
                            .put("message_id", unread.newest().messageId())
                            .put("create_time", unread.newest().createdAtMillis()));
              }
              return chats;
            },
            blocking));
  }

  private void read(RoutingContext ctx) {
    User user = viewer(ctx);
    Chat chat = auth.chatOf(user, ctx.pathParam("chat_id"));
    JsonNode messageId = WebApi.body(ctx).get("message_id");
    if (messageId == null || !messageId.isTextual() || messageId.asText().isEmpty()) {
      throw WebError.of(400, "message_id must be the id of the last message read");
    }
    CompletableFuture<ObjectNode> answered =
        CompletableFuture.supplyAsync(
                () -> {
                  MessageRecord message =
                      store
                          .message(messageId.asText())
                          .filter(m -> m.chatId().equals(chat.chatId()))
                          .orElseThrow(
                              () ->
                                  WebError.of(
                                      404,
                                      "no message "
                                          + messageId.asText()
                                          + " in chat "
                                          + chat.chatId()));
                  return marks.markRead(user.openId(), message);
                },
                blocking)
            .thenCompose(f -> f)
            .thenApply(
                mark -> {
                  ObjectNode answer = Json.object().put("chat_id", chat.chatId());
                  answer.set("read", mark.toJson());
                  return answer;
                });
    WebReplies.reply(ctx, answered);
  }
}
