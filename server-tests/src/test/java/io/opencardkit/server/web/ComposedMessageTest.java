package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ComposedMessageTest {
  @Test
  void oneParagraph_isTextWithItsLineBreaks() {
    ComposedMessage m = ComposedMessage.of("first line\r\nsecond line");

    assertThat(m.msgType()).isEqualTo("text");
    assertThat(m.content()).isEqualTo("{\"text\":\"first line\\nsecond line\"}");
  }

  @Test
  void blankLinesAroundTheText_areDropped() {
    assertThat(ComposedMessage.of("\n  \nhello \n\n").content()).isEqualTo("{\"text\":\"hello \"}");
  }

  @Test
  void severalParagraphs_areAPostWithOneParagraphPerLineAndMentionsAsAtElements() {
    ComposedMessage m =
        ComposedMessage.of("<at user_id=\"cli_bot\">Answer Bot</at> intro\nmore\n\nsecond");

    assertThat(m.msgType()).isEqualTo("post");
    assertThat(m.content())
        .isEqualTo(
            "{\"title\":\"\",\"content\":["
                + "[{\"tag\":\"at\",\"user_id\":\"cli_bot\",\"user_name\":\"Answer Bot\",\"style\":[]},{\"tag\":\"text\",\"text\":\" intro\",\"style\":[]}],"
                + "[{\"tag\":\"text\",\"text\":\"more\",\"style\":[]}],"
                + "[],"
                + "[{\"tag\":\"text\",\"text\":\"second\",\"style\":[]}]]}");
  }

  @Test
  void severalParagraphsBeyondThePostLimit_areText() {
    String long_ = "x".repeat(ComposedMessage.MAX_POST_BYTES);
    ComposedMessage m = ComposedMessage.of(long_ + "\n\n" + long_);

    assertThat(m.msgType()).isEqualTo("text");
  }

  @Test
  void onlyWhitespace_isRefusedWith400() {
    assertThatThrownBy(() -> ComposedMessage.of(" \n\t\n"))
        .isInstanceOfSatisfying(WebError.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
