package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactions with card components posted by the page: the last {@value #CAPACITY} are kept in
 * memory, and each is written as one structured log line (delivery to the bot is {@code
 * bots.CardCallbacks}). Thread-safe.
 */
final class InteractionLog {
  static final int CAPACITY = 1000;
  private static final Logger LOG = LoggerFactory.getLogger("opencardkit.interaction");

  /** One recorded interaction. */
  record Interaction(
      String actionId,
      long at,
      String openId,
      String messageId,
      String chatId,
      String cardId,
      ObjectNode action) {}

  private final Clock clock;
  private final ArrayDeque<Interaction> recent = new ArrayDeque<>();

  InteractionLog(Clock clock) {
    this.clock = clock;
  }

  /** Records an interaction and returns it with its new action id. */
  Interaction record(
      String openId, String messageId, String chatId, String cardId, ObjectNode action) {
    byte[] random = new byte[12];
    ThreadLocalRandom.current().nextBytes(random);
    Interaction interaction =
        new Interaction(
            "act_" + HexFormat.of().formatHex(random),
            clock.millis(),
            openId,
            messageId,
            chatId,
            cardId,
            action);
    synchronized (recent) {
      recent.addLast(interaction);
      if (recent.size() > CAPACITY) {
        recent.removeFirst();
      }
    }
    LOG.info(
        "interaction action_id={} user={} message_id={} chat_id={} card_id={} tag={} element_id={} name={}",
        interaction.actionId(),
        openId,
        messageId,
        chatId,
        cardId == null ? "-" : cardId,
        action.path("tag").asText("-"),
        action.path("element_id").asText("-"),
        action.path("name").asText("-"));
    return interaction;
  }

  /** The recorded interactions, oldest first. */
  List<Interaction> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }
}
