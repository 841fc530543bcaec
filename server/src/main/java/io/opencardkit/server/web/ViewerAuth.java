package io.opencardkit.server.web;

import io.opencardkit.server.ServerConfig.WebAuth;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import io.opencardkit.server.signin.Session;
import io.opencardkit.server.signin.WebSignIn;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Who is looking: in development mode the viewer named by {@code ?user=}, in the production modes
 * the one the session cookie (or, in token mode, a bearer token) signs in; and which chats they may
 * see. Every web endpoint and the WebSocket go through it, so the page cannot widen its view.
 */
final class ViewerAuth {
  /**
   * A signed-in viewer and their session ({@code null} in development mode and for a bearer token).
   */
  record Viewer(User user, Session session) {}

  private final WebAuth mode;
  private final Supplier<Directory> directory;
  private final WebSignIn signIn;

  ViewerAuth(WebAuth mode, Supplier<Directory> directory, WebSignIn signIn) {
    this.mode = mode;
    this.directory = directory;
    this.signIn = signIn;
  }

  /** {@code development} or {@code production}, as the session endpoint reports it. */
  String modeName() {
    return mode == WebAuth.DEVELOPMENT ? "development" : "production";
  }

  /** {@code development}, {@code token} or {@code oidc}: how the page signs people in. */
  String signInName() {
    return signIn.modeName();
  }

  boolean development() {
    return mode == WebAuth.DEVELOPMENT;
  }

  boolean insecureDevLogin() {
    return signIn.insecureDevLogin();
  }

  /**
   * The viewer of a request.
   *
   * @return completes with the viewer, or exceptionally with a {@link WebError} 401 when nobody is
   *     signed in
   */
  CompletableFuture<Viewer> identify(RoutingContext ctx) {
    if (development()) {
      try {
        return CompletableFuture.completedFuture(
            new Viewer(signIn(ctx.queryParams().get("user")), null));
      } catch (WebError e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return signIn
        .identify(ctx)
        .thenApply(
            found ->
                found
                    .map(s -> new Viewer(s.user(), s.session()))
                    .orElseThrow(
                        () ->
                            WebError.of(401, "not signed in, or the session ended: sign in at /")));
  }

  /**
   * The user {@code ?user=} names in development mode.
   *
   * @throws WebError 401 for a missing or unknown user
   */
  private User signIn(String openId) {
    if (openId == null || openId.isEmpty()) {
      throw WebError.of(401, "sign in with ?user=<open_id>");
    }
    return directory
        .get()
        .user(openId)
        .orElseThrow(() -> WebError.of(401, "unknown user " + openId));
  }

  /**
   * The chat, if the user is a member.
   *
   * @throws WebError 404 for an unknown chat, 403 when the user is not a member
   */
  Chat chatOf(User user, String chatId) {
    Chat chat =
        directory.get().chat(chatId).orElseThrow(() -> WebError.of(404, "no chat " + chatId));
    requireMember(user, chat);
    return chat;
  }

  /**
   * Checks membership of a chat id (of a message or card).
   *
   * @throws WebError 403 when the user is not a member or the chat is unknown
   */
  void requireMember(User user, String chatId) {
    Chat chat =
        directory
            .get()
            .chat(chatId)
            .orElseThrow(() -> WebError.of(403, "not a member of chat " + chatId));
    requireMember(user, chat);
  }

  private static void requireMember(User user, Chat chat) {
    if (!chat.members().contains(user.openId())) {
      throw WebError.of(403, "not a member of chat " + chat.chatId());
    }
  }
}
