package io.opencardkit.server.bots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's message as {@code im.message.receive_v1} carries it: the content with every mention
 * replaced by its placeholder ({@code @_user_1}, {@code @_user_2} …) and the {@code mentions} list.
 * A text message's {@code <at user_id="…">Name</at>} becomes {@code @_user_N} in its text (see
 * {@link MentionText}); a post's {@code {"tag":"at","user_id":"ou_…"}} element keeps its place with
 * {@code user_id} set to the placeholder and {@code user_name} to the name, as Feishu delivers a
 * post a user sent. A post whose content is wrapped in locales (a bot's post that a user forwarded)
 * and other types go unchanged and mention nobody. Pure.
 *
 * @param content the event's {@code message.content}
 * @param mentions the mentioned users and bots, in order of appearance
 */
record EventContent(String content, List<MentionText.Mention> mentions) {
  EventContent {
    mentions = List.copyOf(mentions);
  }

  static EventContent of(MessageRecord message, Directory directory) {
    JsonNode parsed = Json.parseOrNull(message.content());
    if ("text".equals(message.msgType())) {
      MentionText text =
          MentionText.parse(parsed == null ? "" : parsed.path("text").asText(""), directory);
      return new EventContent(Json.write(Json.object().put("text", text.text())), text.mentions());
    }
    if ("post".equals(message.msgType()) && parsed != null && parsed.path("content").isArray()) {
      return post((ObjectNode) parsed.deepCopy(), directory);
    }
    return new EventContent(message.content(), List.of());
  }

  private static EventContent post(ObjectNode post, Directory directory) {
    List<MentionText.Mention> mentions = new ArrayList<>();
    for (JsonNode paragraph : post.get("content")) {
      for (JsonNode element : paragraph) {
        if (!element.isObject() || !"at".equals(element.path("tag").asText())) {
          continue;
        }
        Optional<String> openId =
            MentionText.openIdOf(element.path("user_id").asText(""), directory);
        if (openId.isPresent()) {
          String key = "@_user_" + (mentions.size() + 1);
          String name = directory.nameOf(openId.get()).orElse(element.path("user_name").asText(""));
          mentions.add(new MentionText.Mention(key, openId.get(), name));
          ((ObjectNode) element).put("user_id", key).put("user_name", name);
        }
      }
    }
    return new EventContent(Json.write(post), mentions);
  }

  /** Whether the message mentions this app's bot. */
  boolean mentions(App app) {
    return mentions.stream().anyMatch(m -> m.openId().equals(app.botOpenId()));
  }
}
