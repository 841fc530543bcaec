package io.opencardkit.demobot;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/** The feedback selector the demo bot adds below an answer, and the thank-you that replaces it. */
final class FeedbackCard {
  /**
   * The {@code element_id} of the selector (a row of two buttons), later replaced by the thank-you.
   */
  static final String ELEMENT_ID = "feedback";

  /** The callback value's marker, so the bot recognises its own buttons. */
  static final String KIND_KEY = "okc_demo";

  static final String KIND = "feedback";
  static final String VOTE_KEY = "vote";
  static final String HELPFUL = "helpful";
  static final String UNHELPFUL = "unhelpful";

  private FeedbackCard() {}

  /** A rule and the selector: "这个回答有帮助吗？ [有帮助] [没帮助]". */
  static List<String> elements() {
    JsonObject rule = new JsonObject();
    rule.addProperty("tag", "hr");
    rule.addProperty("element_id", "feedback_rule");

    JsonArray columns = new JsonArray();
    columns.add(column(markdown("feedback_ask", "这个回答有帮助吗？")));
    columns.add(column(button("feedback_yes", "有帮助", "primary", HELPFUL)));
    columns.add(column(button("feedback_no", "没帮助", "default", UNHELPFUL)));
    JsonObject row = new JsonObject();
    row.addProperty("tag", "column_set");
    row.addProperty("element_id", ELEMENT_ID);
    row.addProperty("flex_mode", "none");
    row.addProperty("horizontal_spacing", "8px");
    row.add("columns", columns);
    return List.of(rule.toString(), row.toString());
  }

  /** What replaces the selector once the user voted. */
  static String thanks(String vote) {
    String text = HELPFUL.equals(vote) ? "🙏 感谢反馈：这个回答**有帮助**。" : "🙏 感谢反馈：这个回答**没帮助**，我们会改进。";
    return markdown(ELEMENT_ID, text).toString();
  }

  private static JsonObject column(JsonObject element) {
    JsonArray elements = new JsonArray();
    elements.add(element);
    JsonObject column = new JsonObject();
    column.addProperty("tag", "column");
    column.addProperty("width", "auto");
    column.addProperty("vertical_align", "center");
    column.add("elements", elements);
    return column;
  }

  private static JsonObject button(String elementId, String label, String type, String vote) {
    JsonObject text = new JsonObject();
    text.addProperty("tag", "plain_text");
    text.addProperty("content", label);
    JsonObject value = new JsonObject();
    value.addProperty(KIND_KEY, KIND);
    value.addProperty(VOTE_KEY, vote);
    JsonObject callback = new JsonObject();
    callback.addProperty("type", "callback");
    callback.add("value", value);
    JsonArray behaviors = new JsonArray();
    behaviors.add(callback);
    JsonObject button = new JsonObject();
    button.addProperty("tag", "button");
    button.addProperty("element_id", elementId);
    button.add("text", text);
    button.addProperty("type", type);
    button.addProperty("size", "small");
    button.add("behaviors", behaviors);
    return button;
  }

  private static JsonObject markdown(String elementId, String content) {
    JsonObject markdown = new JsonObject();
    markdown.addProperty("tag", "markdown");
    markdown.addProperty("element_id", elementId);
    markdown.addProperty("content", content);
    return markdown;
  }
}
