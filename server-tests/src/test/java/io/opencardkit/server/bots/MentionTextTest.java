package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import java.util.List;
import org.junit.jupiter.api.Test;

final class MentionTextTest {
  private static final App BOT = new App("cli_bot", "s", "Answer Bot", null, null, null, null);
  private static final Directory DIRECTORY =
      new Directory(List.of(BOT), List.of(new User("ou_bob", "Bob", null)), List.of());

  @Test
  void parse_botAndUserMentions_becomePlaceholdersInOrder() {
    MentionText parsed =
        MentionText.parse(
            "<at user_id=\""
                + BOT.botOpenId()
                + "\">bot</at> ask <at user_id=\"ou_bob\">Bobby</at>!",
            DIRECTORY);

    assertThat(parsed.text()).isEqualTo("@_user_1 ask @_user_2!");
    assertThat(parsed.mentions())
        .extracting(MentionText.Mention::openId)
        .containsExactly(BOT.botOpenId(), "ou_bob");
    // Names come from the directory, as Feishu fills them in, not from the text between the tags.
    assertThat(parsed.mentions())
        .extracting(MentionText.Mention::name)
        .containsExactly("Answer Bot", "Bob");
    assertThat(parsed.mentions(BOT)).isTrue();
  }

  @Test
  void parse_appIdInsteadOfBotOpenId_mentionsTheBot() {
    assertThat(
            MentionText.parse("<at user_id=\"cli_bot\">Answer Bot</at> hi", DIRECTORY)
                .mentions(BOT))
        .isTrue();
  }

  @Test
  void parse_atAll_isNotAMentionOfTheBot() {
    MentionText parsed = MentionText.parse("<at user_id=\"all\">everyone</at> lunch", DIRECTORY);

    assertThat(parsed.text()).isEqualTo("@_all lunch");
    assertThat(parsed.mentions(BOT)).isFalse();
  }

  @Test
  void parse_unknownId_staysAsWritten() {
    String text = "<at user_id=\"ou_ghost\">Ghost</at> boo";

    MentionText parsed = MentionText.parse(text, DIRECTORY);

    assertThat(parsed.text()).isEqualTo(text);
    assertThat(parsed.mentions()).isEmpty();
  }
}
