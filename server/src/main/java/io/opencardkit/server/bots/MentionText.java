package io.opencardkit.server.bots;

import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text message's mentions as Feishu delivers them: the sender writes {@code <at
 * user_id="ou_…">Name</at>} and the event carries the text with {@code @_user_1}, {@code @_user_2}
 * … in their place plus a {@code mentions} list. {@code <at user_id="all">} becomes {@code @_all}
 * and is not a mention of anyone. Pure.
 *
 * @param text the text with placeholders
 * @param mentions the mentioned users and bots, in order of appearance
 */
record MentionText(String text, List<Mention> mentions) {
  private static final Pattern AT =
      Pattern.compile(
          "<at\\s+user_id\\s*=\\s*[\"']?([^\"'>\\s]*)[\"']?\\s*>(.*?)</at>", Pattern.DOTALL);

  /**
   * One mention.
   *
   * @param key the placeholder in the text ({@code @_user_1})
   * @param openId the open id of the user or the bot
   * @param name the display name
   */
  record Mention(String key, String openId, String name) {}

  MentionText {
    mentions = List.copyOf(mentions);
  }

  /**
   * Parses the {@code <at>} tags of a text message; ids that are neither users nor bots stay as
   * written.
   */
  static MentionText parse(String text, Directory directory) {
    Matcher m = AT.matcher(text);
    StringBuilder out = new StringBuilder();
    List<Mention> mentions = new ArrayList<>();
    int last = 0;
    while (m.find()) {
      out.append(text, last, m.start());
      String id = m.group(1);
      Optional<String> openId = openIdOf(id, directory);
      if ("all".equals(id)) {
        out.append("@_all");
      } else if (openId.isPresent()) {
        String key = "@_user_" + (mentions.size() + 1);
        String name = directory.nameOf(openId.get()).orElse(m.group(2));
        mentions.add(new Mention(key, openId.get(), name));
        out.append(key);
      } else {
        out.append(m.group());
      }
      last = m.end();
    }
    out.append(text, last, text.length());
    return new MentionText(out.toString(), mentions);
  }

  /** Whether the text mentions this app's bot. */
  boolean mentions(App app) {
    return mentions.stream().anyMatch(x -> x.openId().equals(app.botOpenId()));
  }

  /**
   * A user's open id as written, a bot's open id, or a bot's open id for its app id (a
   * convenience).
   */
  static Optional<String> openIdOf(String id, Directory directory) {
    if (directory.user(id).isPresent()) {
      return Optional.of(id);
    }
    Optional<App> byAppId = directory.app(id);
    if (byAppId.isPresent()) {
      return Optional.of(byAppId.get().botOpenId());
    }
    return directory.apps().stream().map(App::botOpenId).filter(id::equals).findFirst();
  }
}
