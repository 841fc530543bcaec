package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code message} frame of a recalled or edited message (the page replaces the message it
 * holds).
 */
final class MessageChangeFramesTest {
  @Test
  void recalledMessage_saysSo_withoutContent() {
    MessageView view =
        new MessageView(
            "om_1",
            "oc_1",
            "text",
            "cli_a",
            "Answer Bot",
            "bot",
            1L,
            null,
            null,
            "此消息已撤回",
            List.of(),
            true,
            false);

    assertThat(Frames.message(view))
        .contains(
            "\"content\":null,\"card\":null,\"summary\":\"此消息已撤回\",\"recalled\":true,\"reactions\":[]")
        .doesNotContain("edited");
  }

  @Test
  void editedMessage_carriesTheNewContentAndTheMark() {
    MessageView view =
        new MessageView(
            "om_1",
            "oc_1",
            "text",
            "cli_a",
            "Answer Bot",
            "bot",
            1L,
            Json.parseOrNull("{\"text\":\"v2\"}"),
            null,
            "v2",
            List.of(),
            false,
            true);

    assertThat(Frames.message(view))
        .contains("\"content\":{\"text\":\"v2\"}")
        .contains("\"edited\":true")
        .doesNotContain("recalled");
  }
}
