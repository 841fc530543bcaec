package io.opencardkit.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/** The chat-list preview of a card message. */
public final class CardSummary {
  /** Feishu's default preview while a card streams. */
  public static final String GENERATING = "[生成中...]";

  private static final int MAX_DERIVED_CHARS = 100;

  private CardSummary() {}

  /**
   * While streaming and without a custom summary: "[生成中...]"; otherwise the custom summary;
   * otherwise text derived from the card (title, else the first text).
   */
  public static String of(CardState state, long nowMillis, long streamingTimeoutMillis) {
    String custom = state.card().path("config").path("summary").path("content").asText("");
    if (!custom.isEmpty()) {
      return custom;
    }
    if (state.isStreaming(nowMillis, streamingTimeoutMillis)) {
      return GENERATING;
    }
    return derived(state.card());
  }

  /**
   * Text derived from a card: its title, else its first non-empty text, shortened; "[卡片]" for an
   * empty card.
   */
  public static String derived(JsonNode card) {
    String title = card.path("header").path("title").path("content").asText("").strip();
    if (!title.isEmpty()) {
      return shorten(title);
    }
    String text = firstText(card.path("body"));
    return text == null ? "[卡片]" : shorten(text);
  }

  private static @Nullable String firstText(JsonNode node) {
    if (node.isObject()) {
      String tag = node.path("tag").asText("");
      if (("markdown".equals(tag) || "plain_text".equals(tag) || "lark_md".equals(tag))
          && !node.path("content").asText("").isBlank()) {
        return node.get("content").asText().strip();
      }
    }
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        String found = firstText(child);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String shorten(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    if (oneLine.codePointCount(0, oneLine.length()) <= MAX_DERIVED_CHARS) {
      return oneLine;
    }
    return oneLine.substring(0, oneLine.offsetByCodePoints(0, MAX_DERIVED_CHARS)) + "…";
  }
}
