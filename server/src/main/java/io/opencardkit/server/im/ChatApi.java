package io.opencardkit.server.im;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.http.Envelope;
import io.opencardkit.server.http.Responder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The chat look-ups bots make, answered from the directory: {@code GET /open-apis/im/v1/chats} (the
 * groups the bot is in), {@code GET …/chats/:chat_id} (one chat) and {@code GET
 * …/chats/:chat_id/members} (its people), with Feishu's pagination ({@code page_size}, {@code
 * page_token}, {@code has_more}).
 *
 * <p>Implementation notes: the directory has names and members only, so the fields Feishu fills
 * from a chat's settings carry Feishu's defaults for an ordinary internal group, and a chat has no
 * owner. As on Feishu, the list leaves out p2p chats and the member list leaves out bots.
 */
public final class ChatApi {
  private static final String BASE = "/open-apis/im/v1/chats";
  private static final int DEFAULT_PAGE_SIZE = 20;
  private static final int MAX_PAGE_SIZE = 100;

  private final Supplier<Directory> directory;

  public ChatApi(Supplier<Directory> directory) {
    this.directory = directory;
  }

  public void mount(Router router) {
    router.get(BASE).handler(ctx -> answer(ctx, this::list));
    router.get(BASE + "/:chat_id").handler(ctx -> answer(ctx, this::chat));
    router.get(BASE + "/:chat_id/members").handler(ctx -> answer(ctx, this::members));
  }

  private static void answer(RoutingContext ctx, Function<RoutingContext, ObjectNode> handler) {
    try {
      Envelope.ok(ctx, handler.apply(ctx));
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private ObjectNode list(RoutingContext ctx) {
    userIdType(ctx, "user_id_type");
    String sort = ctx.queryParams().get("sort_type");
    if (sort != null
        && !sort.isEmpty()
        && !"ByCreateTimeAsc".equals(sort)
        && !"ByActiveTimeDesc".equals(sort)) {
      throw ApiException.of(
          ErrorCode.FIELD_VALIDATION, "sort_type must be ByCreateTimeAsc or ByActiveTimeDesc");
    }
    String appId = ctx.get(Responder.APP_ID);
    List<Chat> groups =
        directory.get().chatsOf(appId).stream()
            .filter(c -> !c.isP2p())
            .collect(Collectors.toList());
    return page(
        ctx,
        groups,
        (items, chat) ->
            items
                .addObject()
                .put("chat_id", chat.chatId())
                .put("avatar", "")
                .put("name", chat.name())
                .put("description", "")
                .put("owner_id", "")
                .put("owner_id_type", "")
                .put("external", false)
                .put("tenant_key", MessageJson.TENANT_KEY)
                .put("chat_status", "normal"));
  }

  private ObjectNode chat(RoutingContext ctx) {
    userIdType(ctx, "user_id_type");
    Chat chat = visibleChat(ctx);
    Directory dir = directory.get();
    long bots = chat.members().stream().filter(id -> dir.app(id).isPresent()).count();
    ObjectNode data = Json.object();
    data.put("avatar", "").put("name", chat.name()).put("description", "");
    data.putObject("i18n_names");
    data.put("add_member_permission", "all_members").put("share_card_permission", "allowed");
    data.put("at_all_permission", "all_members").put("edit_permission", "all_members");
    data.put("owner_id_type", "").put("owner_id", "");
    data.putArray("user_manager_id_list");
    data.putArray("bot_manager_id_list");
    data.put("group_message_type", "chat");
    data.put("chat_mode", chat.isP2p() ? "p2p" : "group")
        .put("chat_type", "private")
        .put("chat_tag", "inner");
    data.put("join_message_visibility", "all_members")
        .put("leave_message_visibility", "all_members");
    data.put("membership_approval", "no_approval_required")
        .put("moderation_permission", "all_members");
    data.put("external", false).put("tenant_key", MessageJson.TENANT_KEY);
    data.put("user_count", Long.toString(chat.members().size() - bots))
        .put("bot_count", Long.toString(bots));
    data.put("chat_status", "normal");
    return data;
  }

  private ObjectNode members(RoutingContext ctx) {
    String idType = userIdType(ctx, "member_id_type");
    Chat chat = visibleChat(ctx);
    Directory dir = directory.get();
    List<String> people =
        chat.members().stream().filter(id -> dir.user(id).isPresent()).collect(Collectors.toList());
    ObjectNode data =
        page(
            ctx,
            people,
            (items, openId) ->
                items
                    .addObject()
                    .put("member_id_type", idType)
                    .put(
                        "member_id",
                        "union_id".equals(idType) ? Directory.unionIdOf(openId) : openId)
                    .put("name", dir.nameOf(openId).orElse(""))
                    .put("tenant_key", MessageJson.TENANT_KEY));
    data.put("member_total", people.size());
    return data;
  }

  /** The chat of the path, which the calling bot must be a member of. */
  private Chat visibleChat(RoutingContext ctx) {
    String chatId = ctx.pathParam("chat_id");
    Chat chat =
        directory
            .get()
            .chat(chatId)
            .orElseThrow(() -> ApiException.of(ErrorCode.CHAT_ID_INVALID, "no chat " + chatId));
    if (!chat.members().contains((String) ctx.get(Responder.APP_ID))) {
      throw ApiException.of(
          ErrorCode.CHAT_OPERATOR_NOT_IN_CHAT, "the bot is not a member of chat " + chatId);
    }
    return chat;
  }

  /**
   * The id type asked for: {@code open_id} (the default) or {@code union_id}; the directory has no
   * {@code user_id}s.
   */
  private static String userIdType(RoutingContext ctx, String param) {
    String type = ctx.queryParams().get(param);
    if (type == null || type.isEmpty() || "open_id".equals(type)) {
      return "open_id";
    }
    if ("union_id".equals(type)) {
      return type;
    }
    throw ApiException.of(
        ErrorCode.FIELD_VALIDATION,
        param + " " + type + " is not supported by OpenCardKit (open_id, union_id)");
  }

  /** One page of {@code all} as {@code {items, page_token, has_more}}. */
  private static <T> ObjectNode page(
      RoutingContext ctx, List<T> all, java.util.function.BiConsumer<ArrayNode, T> item) {
    int size = pageSize(ctx.queryParams().get("page_size"));
    int offset = PageTokens.decode(ctx.queryParams().get("page_token"));
    ObjectNode data = Json.object();
    ArrayNode items = data.putArray("items");
    all.stream().skip(offset).limit(size).forEach(t -> item.accept(items, t));
    boolean more = (long) offset + size < all.size();
    data.put("page_token", more ? PageTokens.encode(offset + size) : "").put("has_more", more);
    return data;
  }

  private static int pageSize(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_PAGE_SIZE;
    }
    try {
      long size = Long.parseLong(value);
      if (size >= 1 && size <= MAX_PAGE_SIZE) {
        return (int) size;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiException.of(ErrorCode.FIELD_VALIDATION, "page_size must be 1.." + MAX_PAGE_SIZE);
  }
}
