package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import java.util.List;
import org.junit.jupiter.api.Test;

final class EventContentTest {
  private static final App BOT = new App("cli_bot", "s", "Answer Bot", null, null, null, null);
  private static final Directory DIRECTORY =
      new Directory(
          List.of(BOT),
          List.of(new User("ou_alice", "Alice", null), new User("ou_bob", "Bob", null)),
          List.of(new Chat("oc_g", "G", List.of("ou_alice", "ou_bob", "cli_bot"), "group")));

  private static MessageRecord message(String msgType, String content) {
    return new MessageRecord(
        "om_1", "oc_g", "ou_alice", "user", msgType, content, null, null, null, null, 1, 1);
  }

  @Test
  void text_keepsItsLineBreaksAndNumbersItsMentions() {
    EventContent content =
        EventContent.of(
            message(
                "text", "{\"text\":\"<at user_id=\\\"cli_bot\\\">Bot</at> line one\\nline two\"}"),
            DIRECTORY);

    assertThat(content.content()).isEqualTo("{\"text\":\"@_user_1 line one\\nline two\"}");
    assertThat(content.mentions())
        .extracting(MentionText.Mention::openId)
        .containsExactly(BOT.botOpenId());
    assertThat(content.mentions(BOT)).isTrue();
  }

  @Test
  void post_atElementsBecomePlaceholdersInOrderWithTheDirectorysNames() {
    String post =
        "{\"title\":\"\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"ou_bob\",\"user_name\":\"Bobby\"}],"
            + "[{\"tag\":\"at\",\"user_id\":\"all\",\"user_name\":\"所有人\"},{\"tag\":\"at\",\"user_id\":\"ou_nobody\",\"user_name\":\"X\"},"
            + "{\"tag\":\"at\",\"user_id\":\"cli_bot\",\"user_name\":\"Answer Bot\"}]]}";

    EventContent content = EventContent.of(message("post", post), DIRECTORY);

    assertThat(content.content())
        .isEqualTo(
            "{\"title\":\"\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"@_user_1\",\"user_name\":\"Bob\"}],"
                + "[{\"tag\":\"at\",\"user_id\":\"all\",\"user_name\":\"所有人\"},{\"tag\":\"at\",\"user_id\":\"ou_nobody\",\"user_name\":\"X\"},"
                + "{\"tag\":\"at\",\"user_id\":\"@_user_2\",\"user_name\":\"Answer Bot\"}]]}");
    assertThat(content.mentions())
        .extracting(MentionText.Mention::key)
        .containsExactly("@_user_1", "@_user_2");
    assertThat(content.mentions())
        .extracting(MentionText.Mention::openId)
        .containsExactly("ou_bob", BOT.botOpenId());
  }

  @Test
  void postWrappedInLocales_goesUnchangedAndMentionsNobody() {
    String post =
        "{\"zh_cn\":{\"title\":\"t\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"cli_bot\"}]]}}";

    EventContent content = EventContent.of(message("post", post), DIRECTORY);

    assertThat(content.content()).isEqualTo(post);
    assertThat(content.mentions()).isEmpty();
  }
}
