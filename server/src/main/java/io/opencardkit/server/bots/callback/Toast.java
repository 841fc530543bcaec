package io.opencardkit.server.bots.callback;

import java.util.Objects;

/**
 * A toast shown to the user who interacted with a card: the bot's {@code toast}, or OpenCardKit's
 * own notice when the callback failed or a part of the bot's answer could not take effect.
 *
 * @param type {@code info}, {@code success}, {@code error} or {@code warning}
 * @param content the text
 */
public record Toast(String type, String content) {
  public Toast {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(content, "content");
  }

  /**
   * A failure of the interaction, with Feishu's client error code (as the Feishu client shows it).
   */
  static Toast error(int clientCode, String content) {
    return new Toast("error", content + " (" + clientCode + ")");
  }
}
