package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import java.util.List;
import org.junit.jupiter.api.Test;

final class EventRecipientsTest {
  private static final App MENTIONED_ONLY = new App("cli_a", "s", "A", null, null, null, null);
  private static final App HEARS_ALL =
      new App("cli_b", "s", "B", null, null, null, null, true, null);
  private static final App OUTSIDER =
      new App("cli_c", "s", "C", null, null, null, null, true, null);
  private static final Chat GROUP =
      new Chat("oc_g", "G", List.of("ou_u", "cli_a", "cli_b"), "group");
  private static final Directory DIRECTORY =
      new Directory(
          List.of(MENTIONED_ONLY, HEARS_ALL, OUTSIDER),
          List.of(new User("ou_u", "U", null)),
          List.of(GROUP));

  private static List<App> recipients(String chatId, String senderType, String text) {
    MessageRecord m =
        new MessageRecord(
            "om_1",
            chatId,
            senderType.equals("user") ? "ou_u" : "cli_a",
            senderType,
            "text",
            Json.write(Json.object().put("text", text)),
            null,
            null,
            null,
            null,
            1,
            1);
    return EventRecipients.of(DIRECTORY, m, EventContent.of(m, DIRECTORY));
  }

  @Test
  void groupMessage_withoutMention_reachesOnlyBotsThatHearAll() {
    assertThat(recipients("oc_g", "user", "hello")).containsExactly(HEARS_ALL);
  }

  @Test
  void groupMessage_mentioningABot_reachesItToo() {
    assertThat(
            recipients(
                "oc_g", "user", "<at user_id=\"" + MENTIONED_ONLY.botOpenId() + "\">A</at> hi"))
        .containsExactly(MENTIONED_ONLY, HEARS_ALL);
  }

  @Test
  void groupMessage_mentioningABotOutsideTheChat_doesNotReachIt() {
    assertThat(recipients("oc_g", "user", "<at user_id=\"cli_c\">C</at> hi"))
        .doesNotContain(OUTSIDER);
  }

  @Test
  void groupPost_mentioningABotInAnAtElement_reachesIt() {
    String post =
        "{\"title\":\"\",\"content\":[[{\"tag\":\"text\",\"text\":\"one\"}],[],"
            + "[{\"tag\":\"at\",\"user_id\":\"cli_a\",\"user_name\":\"A\"},{\"tag\":\"text\",\"text\":\" two\"}]]}";
    MessageRecord m =
        new MessageRecord(
            "om_1", "oc_g", "ou_u", "user", "post", post, null, null, null, null, 1, 1);
    assertThat(EventRecipients.of(DIRECTORY, m, EventContent.of(m, DIRECTORY)))
        .containsExactly(MENTIONED_ONLY, HEARS_ALL);
  }

  @Test
  void p2pMessage_reachesItsBotWithoutMention() {
    assertThat(recipients(Directory.p2pChatId("cli_a", "ou_u"), "user", "hi"))
        .containsExactly(MENTIONED_ONLY);
  }

  @Test
  void botMessage_reachesNoBot() {
    assertThat(recipients("oc_g", "app", "<at user_id=\"cli_b\">B</at>")).isEmpty();
  }
}
