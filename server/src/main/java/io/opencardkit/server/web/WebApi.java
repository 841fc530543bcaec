package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.CardState;
import io.opencardkit.core.store.CardStore;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.bots.callback.CardActions;
import io.opencardkit.server.bots.callback.Toast;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import io.opencardkit.server.http.StrictText;
import io.opencardkit.server.http.WebSocketHandshakes;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.signin.WebSignIn;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The web chat's HTTP API under {@code /web/api} and the WebSocket upgrade at {@code /web/ws}
 * (docs/web-protocol.md). Handlers never block: store reads run on the blocking executor, answers
 * go back to the request's context.
 */
final class WebApi {
  private static final long MAX_BODY_BYTES = 256 * 1024;
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 200;
  private static final String VIEWER = "okc.viewer";
  private static final Set<String> ACTION_FIELDS =
      Set.of(
          "tag",
          "element_id",
          "name",
          "value",
          "option",
          "options",
          "form_value",
          "input_value",
          "checked");

  private final ViewerAuth auth;
  private final Supplier<Directory> directory;
  private final CardStore store;
  private final CardRuntime runtime;
  private final MessageService messages;
  private final MessageViews views;
  private final ViewerHub hub;
  private final InteractionLog interactions;
  private final CardActions cardActions;
  private final CardRefusals refusals;
  private final Executor blocking;
  private final Clock clock;
  private final long streamingTimeoutMillis;
  private final WebSignIn signIn;
  private final MessageRate messageRate;

  WebApi(
      ViewerAuth auth,
      Supplier<Directory> directory,
      CardStore store,
      CardRuntime runtime,
      MessageService messages,
      MessageViews views,
      ViewerHub hub,
      InteractionLog interactions,
      CardActions cardActions,
      CardRefusals refusals,
      Executor blocking,
      Clock clock,
      long streamingTimeoutMillis,
      WebSignIn signIn,
      MessageRate messageRate) {
    this.auth = auth;
    this.directory = directory;
    this.store = store;
    this.runtime = runtime;
    this.messages = messages;
    this.views = views;
    this.hub = hub;
    this.interactions = interactions;
    this.cardActions = cardActions;
    this.refusals = refusals;
    this.blocking = blocking;
    this.clock = clock;
    this.streamingTimeoutMillis = streamingTimeoutMillis;
    this.signIn = signIn;
    this.messageRate = messageRate;
  }

  void mount(Router router) {
    router
        .route("/web/api/*")
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES).setHandleFileUploads(false));
    router.route("/web/api/*").handler(this::identify);
    router.get("/web/ws").handler(this::identify);
    router.get("/web/api/config").handler(ctx -> guarded(ctx, this::config));
    router.get("/web/api/session").handler(ctx -> guarded(ctx, this::session));
    router.get("/web/api/users").handler(ctx -> guarded(ctx, this::users));
    router.get("/web/api/chats").handler(ctx -> guarded(ctx, this::chats));
    router.get("/web/api/chats/:chat_id/messages").handler(ctx -> guarded(ctx, this::history));
    router.post("/web/api/chats/:chat_id/messages").handler(ctx -> guarded(ctx, this::post));
    router.post("/web/api/messages/:message_id/actions").handler(ctx -> guarded(ctx, this::action));
    router
        .post("/web/api/messages/:message_id/forward")
        .handler(ctx -> guarded(ctx, this::forward));
    router.get("/web/api/cards/:card_id/inspector").handler(ctx -> guarded(ctx, this::inspector));
    router.get("/web/ws").handler(ctx -> guarded(ctx, this::socket));
  }

  interface Handler {
    void handle(RoutingContext ctx);
  }

  static void guarded(RoutingContext ctx, Handler handler) {
    try {
      handler.handle(ctx);
    } catch (RuntimeException e) {
      WebReplies.fail(ctx, e);
    }
  }

  /**
   * Finds out who sent the request (for the production modes that may read the store) and records
   * it for {@link #viewer}; a request nobody signed is refused there, so that the endpoints open to
   * all still answer.
   */
  private void identify(RoutingContext ctx) {
    CompletableFuture<ViewerAuth.Viewer> found = auth.identify(ctx);
    if (found.isDone()) {
      ctx.put(VIEWER, found);
      ctx.next();
      return;
    }
    // A WebSocket handshake must be upgraded before its (empty) request is read to its end: hold it
    // meanwhile.
    boolean upgrade = "/web/ws".equals(ctx.request().path());
    if (upgrade) {
      ctx.request().pause();
    }
    Context context = ctx.vertx().getOrCreateContext();
    found.whenComplete(
        (viewer, failure) ->
            context.runOnContext(
                v -> {
                  ctx.put(VIEWER, found);
                  ctx.next();
                  if (upgrade && ctx.response().ended()) {
                    ctx.request().resume(); // refused, answered: let it end
                  }
                }));
  }

  /**
   * The viewer {@link #identify} found for the request (401 when nobody signed it); other APIs
   * under /web/api use it too.
   */
  static ViewerAuth.Viewer signedIn(RoutingContext ctx) {
    CompletableFuture<ViewerAuth.Viewer> found = ctx.get(VIEWER);
    if (found == null) {
      throw WebError.of(401, "not signed in");
    }
    try {
      return found.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
    }
  }

  private User viewer(RoutingContext ctx) {
    return signedIn(ctx).user();
  }

  private <T> CompletableFuture<T> offLoop(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, blocking);
  }

  // --- session
  // -----------------------------------------------------------------------------------------------------

  private void session(RoutingContext ctx) {
    User user = viewer(ctx);
    ObjectNode answer = Json.object();
    answer.putObject("user").put("open_id", user.openId()).put("name", user.name());
    answer.put("mode", auth.modeName());
    answer.put("sign_in", auth.signInName());
    answer.put("insecure_dev_login", auth.insecureDevLogin());
    WebReplies.send(ctx, 200, Json.write(answer));
  }

  /** How the page signs people in, before anyone is signed in. */
  private void config(RoutingContext ctx) {
    ObjectNode answer =
        Json.object()
            .put("sign_in", auth.signInName())
            .put("insecure_dev_login", auth.insecureDevLogin());
    WebReplies.send(ctx, 200, Json.write(answer));
  }

  private void users(RoutingContext ctx) {
    if (!auth.development()) {
      throw WebError.of(403, "the user list is offered in development mode only");
    }
    ArrayNode users = Json.MAPPER.createArrayNode();
    directory
        .get()
        .users()
        .forEach(u -> users.addObject().put("open_id", u.openId()).put("name", u.name()));
    WebReplies.send(ctx, 200, Json.write(users));
  }

  // --- chats and messages
  // ------------------------------------------------------------------------------------------

  private void chats(RoutingContext ctx) {
    User user = viewer(ctx);
    WebReplies.reply(ctx, offLoop(() -> chatList(user)));
  }

  private record ChatEntry(Chat chat, MessageView last) {}

  private ArrayNode chatList(User user) {
    Directory dir = directory.get();
    List<ChatEntry> entries = new ArrayList<>();
    for (Chat chat : dir.chatsOf(user.openId())) {
      List<MessageRecord> newest =
          store.messagesOfChat(chat.chatId(), 0, Long.MAX_VALUE, false, 0, 1);
      entries.add(new ChatEntry(chat, newest.isEmpty() ? null : rendered(newest.get(0))));
    }
    // Most recent activity first; chats without messages keep the directory's order after them (the
    // sort is stable).
    entries.sort(
        Comparator.comparingLong(
                (ChatEntry e) -> e.last() == null ? Long.MIN_VALUE : e.last().createTime())
            .reversed());
    ArrayNode array = Json.MAPPER.createArrayNode();
    for (ChatEntry entry : entries) {
      Chat chat = entry.chat();
      ObjectNode node =
          array
              .addObject()
              .put("chat_id", chat.chatId())
              .put("name", chat.name())
              .put("type", chat.type());
      ArrayNode members = node.putArray("members");
      for (String id : chat.members()) {
        members
            .addObject()
            .put("id", id)
            .put("name", dir.nameOf(id).orElse(id))
            .put("kind", dir.user(id).isPresent() ? "user" : "bot");
      }
      node.set("last_message", entry.last() == null ? null : Frames.messageNode(entry.last()));
    }
    return array;
  }

  private void history(RoutingContext ctx) {
    User user = viewer(ctx);
    Chat chat = auth.chatOf(user, ctx.pathParam("chat_id"));
    int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    WebReplies.reply(
        ctx,
        offLoop(
            () -> {
              List<MessageRecord> newest =
                  new ArrayList<>(
                      store.messagesOfChat(chat.chatId(), 0, Long.MAX_VALUE, false, 0, limit));
              Collections.reverse(newest);
              List<MessageView> list = views.renderBlocking(newest);
              list.forEach(this::watchDeadline);
              return Frames.messageList(list);
            }));
  }

  /**
   * Renders a message (blocking) and tells the hub about streaming cards, whose preview changes on
   * time.
   */
  private MessageView rendered(MessageRecord record) {
    return watchDeadline(views.renderBlocking(record));
  }

  private MessageView watchDeadline(MessageView view) {
    if (view.card() != null) {
      hub.watchDeadline(view.card().facts());
    }
    return view;
  }

  private void post(RoutingContext ctx) {
    User user = viewer(ctx);
    Chat chat = auth.chatOf(user, ctx.pathParam("chat_id"));
    JsonNode text = body(ctx).get("text");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw WebError.of(400, "text must be a non-empty string");
    }
    requireRate(ctx, user, chat);
    ComposedMessage composed = ComposedMessage.of(text.asText());
    CompletableFuture<MessageRecord> sent =
        messages.sendAsUser(user.openId(), chat.chatId(), composed.msgType(), composed.content());
    WebReplies.reply(
        ctx, sent.thenApply(record -> Json.write(Frames.messageNode(views.of(record, null)))));
  }

  // --- interactions and forwarding
  // ---------------------------------------------------------------------------------

  private void action(RoutingContext ctx) {
    User user = viewer(ctx);
    String messageId = ctx.pathParam("message_id");
    ObjectNode body = body(ctx);
    ObjectNode action = Json.object();
    ACTION_FIELDS.forEach(
        field -> {
          if (body.has(field)) {
            action.set(field, body.get(field));
          }
        });
    if (!action.path("tag").isTextual()) {
      throw WebError.of(400, "tag is required");
    }
    CompletableFuture<ObjectNode> answered =
        offLoop(
                () -> {
                  MessageRecord record = visibleMessage(user, messageId);
                  if (!"interactive".equals(record.msgType())) {
                    throw WebError.of(400, "message " + messageId + " is not a card");
                  }
                  InteractionLog.Interaction recorded =
                      interactions.record(
                          user.openId(), messageId, record.chatId(), record.cardId(), action);
                  return cardActions
                      .deliver(record, user.openId(), action)
                      .thenApply(
                          outcome -> {
                            for (Toast toast : outcome.toasts()) {
                              hub.toast(
                                  user.openId(),
                                  record.chatId(),
                                  Frames.toast(
                                      record.chatId(), messageId, toast.type(), toast.content()));
                            }
                            return Json.object()
                                .put("action_id", recorded.actionId())
                                .put("recorded", true)
                                .put("delivered", outcome.delivered());
                          });
                })
            .thenCompose(f -> f);
    WebReplies.reply(ctx, answered);
  }

  private void forward(RoutingContext ctx) {
    User user = viewer(ctx);
    String messageId = ctx.pathParam("message_id");
    JsonNode target = body(ctx).get("chat_id");
    if (target == null || !target.isTextual()) {
      throw WebError.of(400, "chat_id is required");
    }
    Chat targetChat = auth.chatOf(user, target.asText());
    requireRate(ctx, user, targetChat);
    CompletableFuture<String> forwarded =
        offLoop(() -> copyOf(visibleMessage(user, messageId)))
            .thenCompose(
                copy ->
                    messages.sendAsUser(
                        user.openId(), targetChat.chatId(), copy.msgType(), copy.content()))
            .thenApply(record -> Json.write(Frames.messageNode(views.of(record, null))));
    WebReplies.reply(ctx, forwarded);
  }

  private record Copy(String msgType, String content) {}

  /**
   * What a forward posts: a card entity becomes an inline copy of its current JSON (an entity is
   * sent once).
   */
  private Copy copyOf(MessageRecord source) {
    if (source.cardId() == null) {
      if ("interactive".equals(source.msgType())) {
        requireForwardable(Json.parseOrNull(source.content()));
      }
      return new Copy(source.msgType(), source.content());
    }
    CardHandle handle =
        runtime
            .findCurrentBlocking(source.cardId())
            .orElseThrow(() -> WebError.of(404, "the card of " + source.messageId() + " is gone"));
    synchronized (handle) {
      CardState state = handle.state();
      if (state.isStreaming(clock.millis(), streamingTimeoutMillis)) {
        throw new WebError(
            409,
            WebError.STREAMING_NOT_FORWARDABLE,
            "a card in streaming mode cannot be forwarded");
      }
      requireForwardable(state.card());
      return new Copy("interactive", Json.write(state.card()));
    }
  }

  private static void requireForwardable(JsonNode card) {
    if (card != null && !card.path("config").path("enable_forward").asBoolean(true)) {
      throw WebError.of(
          403, "this card does not allow forwarding (config.enable_forward is false)");
    }
  }

  private MessageRecord visibleMessage(User user, String messageId) {
    MessageRecord record =
        store.message(messageId).orElseThrow(() -> WebError.of(404, "no message " + messageId));
    auth.requireMember(user, record.chatId());
    if (record.recalled()) {
      throw WebError.of(404, "message " + messageId + " was recalled");
    }
    return record;
  }

  // --- inspector
  // ---------------------------------------------------------------------------------------------------

  private void inspector(RoutingContext ctx) {
    User user = viewer(ctx);
    String cardId = ctx.pathParam("card_id");
    WebReplies.reply(
        ctx,
        offLoop(
            () -> {
              CardHandle handle =
                  runtime
                      .findCurrentBlocking(cardId)
                      .orElseThrow(() -> WebError.of(404, "no card " + cardId));
              ObjectNode state;
              synchronized (handle) {
                state = Inspector.state(handle.state(), clock.millis(), streamingTimeoutMillis);
              }
              if (state.path("chat_id").isNull()) {
                throw WebError.of(404, "card " + cardId + " was not sent to a chat");
              }
              auth.requireMember(user, state.get("chat_id").asText());
              long version = state.get("version").asLong();
              List<CardEvent> events =
                  store.events(
                      cardId, Math.max(0, version - Inspector.MAX_EVENTS), Inspector.MAX_EVENTS);
              return Inspector.answer(state, events, refusals.viewsOf(cardId));
            }));
  }

  // --- WebSocket
  // ---------------------------------------------------------------------------------------------------

  private void socket(RoutingContext ctx) {
    ViewerAuth.Viewer viewer = signedIn(ctx);
    String upgrade = ctx.request().getHeader("Upgrade");
    if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade)) {
      throw WebError.of(400, "/web/ws is a WebSocket");
    }
    String malformed =
        WebSocketHandshakes.problem(ctx.request()); // Vert.x would answer it with an empty 400
    if (malformed != null) {
      throw new WebError(400, ErrorCode.INVALID_PARAMETER.code(), malformed);
    }
    io.netty.channel.Channel channel = NettySocket.channelOf(ctx.request());
    ctx.request()
        .toWebSocket()
        .onSuccess(
            ws -> {
              NettySocket socket = hub.open(channel, viewer.user().openId());
              signIn.track(socket, viewer.session()); // closed when the session ends
            })
        .onFailure(
            e -> // a handshake Vert.x cannot complete is the client's fault, not ours
            WebReplies.fail(
                    ctx,
                    new WebError(
                        400,
                        ErrorCode.INVALID_PARAMETER.code(),
                        "not a valid WebSocket handshake: " + e.getMessage())));
  }

  /**
   * Refuses a message beyond the person's allowance in the chat (Feishu's 5 per second by default).
   */
  private void requireRate(RoutingContext ctx, User user, Chat chat) {
    long waitMillis = messageRate.tryAcquire(user.openId(), chat.chatId());
    if (waitMillis > 0) {
      long seconds = Math.max(1, (waitMillis + 999) / 1000);
      ctx.response()
          .putHeader("Retry-After", Long.toString(seconds))
          .putHeader("x-ogw-ratelimit-reset", Long.toString(seconds));
      throw new WebError(
          429,
          ErrorCode.RATE_LIMITED.code(),
          "too many messages: at most "
              + messageRate.perSecond()
              + " per second in one chat; try again in "
              + waitMillis
              + " ms");
    }
  }

  // --- helpers
  // -----------------------------------------------------------------------------------------------------

  static ObjectNode body(RoutingContext ctx) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return Json.object();
    }
    JsonNode parsed = Json.parseOrNull(StrictText.utf8Body(buffer)); // 10002 when not UTF-8
    if (parsed == null || !parsed.isObject()) {
      throw WebError.of(400, "the body must be a JSON object");
    }
    StrictText.requireUnicode(parsed, null);
    return (ObjectNode) parsed;
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw WebError.of(400, name + " must be an integer in " + min + ".." + max);
  }
}
