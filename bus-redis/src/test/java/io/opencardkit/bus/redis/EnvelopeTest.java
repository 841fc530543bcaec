package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class EnvelopeTest {

  @Test
  void decode_ofEncoded_givesSenderAndMessage() {
    assertThat(Envelope.decode(Envelope.encode("node-a", "{\"card\":1}")))
        .contains(new Envelope("node-a", "{\"card\":1}"));
  }

  @Test
  void decode_messageWithNewlines_splitsAtTheFirstOnly() {
    // Node ids hold no newline, so every later newline belongs to the message.
    assertThat(Envelope.decode(Envelope.encode("a", "line 1\nline 2\n")))
        .contains(new Envelope("a", "line 1\nline 2\n"));
  }

  @Test
  void decode_emptyMessage_isKept() {
    assertThat(Envelope.decode(Envelope.encode("a", ""))).contains(new Envelope("a", ""));
  }

  @Test
  void decode_withoutSender_isEmpty() {
    assertThat(Envelope.decode("no newline at all")).isEmpty();
    assertThat(Envelope.decode("\nstarts with a newline")).isEmpty();
  }
}
