package io.opencardkit.server.im;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.store.MessageRecord;
import org.junit.jupiter.api.Test;

/** The chat-list preview of messages that do not show a card entity. */
final class MessageSummaryTest {
  private static String summary(String msgType, String content) {
    return MessageService.summaryOf(
        new MessageRecord(
            "om_1", "oc_g", "ou_a", "user", msgType, content, null, null, null, null, 1, 1));
  }

  @Test
  void text_showsMentionsAsNames() {
    assertThat(summary("text", "{\"text\":\"<at user_id=\\\"cli_bot\\\">Answer Bot</at> hi <b>\"}"))
        .isEqualTo("@Answer Bot hi <b>");
  }

  @Test
  void postWithTitle_showsTheTitle() {
    assertThat(
            summary(
                "post",
                "{\"zh_cn\":{\"title\":\"Notes\",\"content\":[[{\"tag\":\"text\",\"text\":\"body\"}]]}}"))
        .isEqualTo("Notes");
  }

  @Test
  void postWithoutTitle_showsItsTextOnOneLine() {
    String post =
        "{\"title\":\"\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"cli_bot\",\"user_name\":\"Answer Bot\"},"
            + "{\"tag\":\"text\",\"text\":\" first\"}],[],[{\"tag\":\"text\",\"text\":\"second\"}]]}";
    assertThat(summary("post", post)).isEqualTo("@Answer Bot first second");
  }

  @Test
  void postWithNeitherTitleNorText_saysItIsRichText() {
    assertThat(
            summary(
                "post",
                "{\"title\":\"\",\"content\":[[{\"tag\":\"img\",\"image_key\":\"img_1\"}]]}"))
        .isEqualTo("[富文本]");
  }
}
