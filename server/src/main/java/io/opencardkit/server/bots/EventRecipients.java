package io.opencardkit.server.bots;

import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which bots hear a user's message, as on Feishu: every bot of a p2p chat; in a group, the member
 * bots that are mentioned or that receive all group messages ({@code receive_all_group_messages}).
 * Bots never hear bots. Pure.
 */
final class EventRecipients {
  private EventRecipients() {}

  /**
   * @param content the message as bots receive it, with its mentions
   */
  static List<App> of(Directory directory, MessageRecord message, EventContent content) {
    if (!"user".equals(message.senderType())) {
      return List.of();
    }
    Optional<Chat> chat = directory.chat(message.chatId());
    if (chat.isEmpty()) {
      return List.of();
    }
    List<App> recipients = new ArrayList<>();
    for (String member : chat.get().members()) {
      Optional<App> app = directory.app(member);
      if (app.isEmpty()) {
        continue;
      }
      boolean hears =
          chat.get().isP2p() || app.get().hearsAllGroupMessages() || content.mentions(app.get());
      if (hears) {
        recipients.add(app.get());
      }
    }
    return recipients;
  }
}
