package io.opencardkit.client;

import java.util.Objects;

/**
 * Where a stream's cards go: a user's direct chat, a chat, or a reply to a message. Follow-up cards
 * of a long answer go to the same place (for a reply: replies to the same message, in the same
 * thread mode).
 */
public final class Target {
  enum Kind {
    USER,
    CHAT,
    REPLY
  }

  private final Kind kind;
  private final String id;
  private final boolean inThread;

  private Target(Kind kind, String id, boolean inThread) {
    this.kind = kind;
    this.id = Objects.requireNonNull(id, "id");
    this.inThread = inThread;
    if (id.isBlank()) {
      throw new IllegalArgumentException("a target id cannot be blank");
    }
  }

  /**
   * The bot's direct chat with the user of this {@code open_id} ({@code receive_id_type=open_id}).
   */
  public static Target user(String openId) {
    return new Target(Kind.USER, openId, false);
  }

  /** A chat the bot is a member of ({@code receive_id_type=chat_id}). */
  public static Target chat(String chatId) {
    return new Target(Kind.CHAT, chatId, false);
  }

  /** A reply to the message {@code messageId}, shown in the chat. */
  public static Target reply(String messageId) {
    return new Target(Kind.REPLY, messageId, false);
  }

  /** A reply to the message {@code messageId} in its thread ({@code reply_in_thread=true}). */
  public static Target replyInThread(String messageId) {
    return new Target(Kind.REPLY, messageId, true);
  }

  Kind kind() {
    return kind;
  }

  /** The open id, chat id or message id, depending on the kind. */
  public String id() {
    return id;
  }

  boolean inThread() {
    return inThread;
  }

  @Override
  public String toString() {
    switch (kind) {
      case USER:
        return "user " + id;
      case CHAT:
        return "chat " + id;
      default:
        return (inThread ? "thread reply to " : "reply to ") + id;
    }
  }
}
