package io.opencardkit.server.web;

import io.opencardkit.server.ServerConfig.WebAuth;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Who is looking: the viewer named by {@code user} (and, in production mode, proven by {@code token}), and which
 * chats they may see. Every web endpoint and the WebSocket go through it, so the page cannot widen its view.
 */
final class ViewerAuth {
  private final WebAuth mode;
  private final Supplier<Directory> directory;

  ViewerAuth(WebAuth mode, Supplier<Directory> directory) {
    this.mode = mode;
    this.directory = directory;
  }

  /** {@code development} or {@code production}, as the session endpoint reports it. */
  String modeName() {
    return mode == WebAuth.TOKEN ? "production" : "development";
  }

  boolean development() {
    return mode == WebAuth.DEVELOPMENT;
  }

  /**
   * The signed-in user.
   *
   * @throws WebError 401 for a missing or unknown user, or (production) a missing or wrong token
   */
  User signIn(String openId, String token) {
    if (openId == null || openId.isEmpty()) {
      throw WebError.of(401, "sign in with ?user=<open_id>" + (development() ? "" : "&token=<token>"));
    }
    User user = directory.get().user(openId).orElseThrow(() -> WebError.of(401, "unknown user " + openId));
    if (mode == WebAuth.TOKEN && !tokenMatches(user, token)) {
      throw WebError.of(401, "wrong or missing token for " + openId);
    }
    return user;
  }

  /**
   * The chat, if the user is a member.
   *
   * @throws WebError 404 for an unknown chat, 403 when the user is not a member
   */
  Chat chatOf(User user, String chatId) {
    Chat chat = directory.get().chat(chatId).orElseThrow(() -> WebError.of(404, "no chat " + chatId));
    requireMember(user, chat);
    return chat;
  }

  /**
   * Checks membership of a chat id (of a message or card).
   *
   * @throws WebError 403 when the user is not a member or the chat is unknown
   */
  void requireMember(User user, String chatId) {
    Chat chat = directory.get().chat(chatId).orElseThrow(() -> WebError.of(403, "not a member of chat " + chatId));
    requireMember(user, chat);
  }

  private static void requireMember(User user, Chat chat) {
    if (!chat.members().contains(user.openId())) {
      throw WebError.of(403, "not a member of chat " + chat.chatId());
    }
  }

  private static boolean tokenMatches(User user, String token) {
    if (user.token() == null || user.token().isEmpty() || token == null) {
      return false;
    }
    return MessageDigest.isEqual(user.token().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }
}
