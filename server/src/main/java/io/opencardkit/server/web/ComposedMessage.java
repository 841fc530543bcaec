package io.opencardkit.server.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the composer's text becomes, as the Feishu client sends it: one paragraph (line breaks
 * allowed) is a {@code text} message; several paragraphs (a blank line between them) are a {@code
 * post} with one paragraph per line, an empty line being an empty paragraph. Mentions are written
 * {@code <at user_id="…">Name</at>} in the text and become {@code at} elements in a post. Blank
 * lines before and after the text are dropped. Pure.
 *
 * @param msgType {@code text} or {@code post}
 * @param content the content JSON as the IM API stores it
 */
record ComposedMessage(String msgType, String content) {
  /** Feishu's limit of a post's content (a longer text is sent as text, which allows 150 KB). */
  static final int MAX_POST_BYTES = 30 * 1024;

  private static final Pattern BLANK_LINE = Pattern.compile("\n[ \t\u3000]*\n");
  private static final Pattern AT =
      Pattern.compile(
          "<at\\s+user_id\\s*=\\s*[\"']?([^\"'>\\s]*)[\"']?\\s*>(.*?)</at>", Pattern.DOTALL);

  /**
   * @param typed the composer's text (any line endings)
   * @throws WebError 400 when nothing but whitespace is left
   */
  static ComposedMessage of(String typed) {
    String text = withoutBlankEdges(typed.replace("\r\n", "\n").replace('\r', '\n'));
    if (text.isBlank()) {
      throw WebError.of(400, "text must be a non-empty string");
    }
    String asText = Json.write(Json.object().put("text", text));
    if (!BLANK_LINE.matcher(text).find()) {
      return new ComposedMessage("text", asText);
    }
    String post = Json.write(post(text));
    return Json.utf8Length(post) <= MAX_POST_BYTES
        ? new ComposedMessage("post", post)
        : new ComposedMessage("text", asText);
  }

  private static ObjectNode post(String text) {
    ObjectNode post = Json.object().put("title", "");
    ArrayNode paragraphs = post.putArray("content");
    for (String line : text.split("\n", -1)) {
      ArrayNode paragraph = paragraphs.addArray();
      if (!line.isBlank()) {
        elements(line, paragraph);
      }
    }
    return post;
  }

  /** A line's text runs and mentions, as a post paragraph's elements. */
  private static void elements(String line, ArrayNode paragraph) {
    Matcher m = AT.matcher(line);
    int last = 0;
    while (m.find()) {
      textRun(line.substring(last, m.start()), paragraph);
      ObjectNode at =
          paragraph
              .addObject()
              .put("tag", "at")
              .put("user_id", m.group(1))
              .put("user_name", m.group(2));
      at.putArray("style");
      last = m.end();
    }
    textRun(line.substring(last), paragraph);
  }

  private static void textRun(String run, ArrayNode paragraph) {
    if (!run.isEmpty()) {
      paragraph.addObject().put("tag", "text").put("text", run).putArray("style");
    }
  }

  /**
   * The text without whitespace-only lines at its start and end (spaces inside the first and last
   * line stay).
   */
  private static String withoutBlankEdges(String text) {
    String[] lines = text.split("\n", -1);
    int first = 0;
    int last = lines.length - 1;
    while (first <= last && lines[first].isBlank()) {
      first++;
    }
    while (last >= first && lines[last].isBlank()) {
      last--;
    }
    return first > last
        ? ""
        : String.join("\n", java.util.Arrays.copyOfRange(lines, first, last + 1));
  }
}
