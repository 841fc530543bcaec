package io.opencardkit.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.bench.fanout.FrameReader.Kind;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  private static final String V1_APPEND =
      "{\"type\":\"card\",\"card_id\":\"7301\",\"message_id\":\"om_1\",\"chat_id\":\"oc_1\",\"version\":57,"
          + "\"op\":\"append\",\"element_id\":\"md\",\"offset\":12,\"text\":\"a \\\"quoted\\\" {brace}\",\"streaming\":true,\"deadline\":1,\"summary\":\"s\"}";

  @Test
  void readsAV1AppendWithoutParsingIt() {
    assertThat(FrameReader.kind(V1_APPEND)).isEqualTo(Kind.CARD);
    assertThat(FrameReader.string(V1_APPEND, "card_id")).isEqualTo("7301");
    assertThat(FrameReader.number(V1_APPEND, "version")).isEqualTo(57);
  }

  @Test
  void readsTheV2StreamAnnouncement() {
    String frame = "{\"type\":\"stream\",\"k\":7,\"card_id\":\"7301\",\"element_id\":\"md\"}";

    assertThat(FrameReader.kind(frame)).isEqualTo(Kind.STREAM);
    assertThat(FrameReader.number(frame, "k")).isEqualTo(7);
    assertThat(FrameReader.string(frame, "card_id")).isEqualTo("7301");
    assertThat(FrameReader.string(frame, "element_id")).isEqualTo("md");
  }

  @Test
  void readsTheV2AppendArrayWithItsEscapedText() {
    String frame = "[7,57,\"he said \\\"hi\\\",\\n中文\"]";

    assertThat(FrameReader.kind(frame)).isEqualTo(Kind.APPEND);
    assertThat(FrameReader.appendStream(frame)).isEqualTo(7);
    assertThat(FrameReader.appendVersion(frame)).isEqualTo(57);
    assertThat(FrameReader.appendText(frame)).isEqualTo("he said \"hi\",\n中文");
  }

  @Test
  void toleratesSpacesInTheArray() {
    String frame = "[ 12, 3, \"x\" ]";

    assertThat(FrameReader.appendStream(frame)).isEqualTo(12);
    assertThat(FrameReader.appendVersion(frame)).isEqualTo(3);
    assertThat(FrameReader.appendText(frame)).isEqualTo("x");
  }

  @Test
  void aV2CardFrameMayLackTheRepeatedFields() {
    String frame =
        "{\"type\":\"card\",\"card_id\":\"7301\",\"version\":60,\"op\":\"settings\",\"config\":{\"streaming_mode\":false}}";

    assertThat(FrameReader.kind(frame)).isEqualTo(Kind.CARD);
    assertThat(FrameReader.number(frame, "version")).isEqualTo(60);
    assertThat(FrameReader.string(frame, "message_id")).isNull();
  }

  @Test
  void aNestedVersionBeforeTheTopLevelOneIsNotTakenForIt() {
    String frame =
        "{\"type\":\"card\",\"card\":{\"version\":99,\"card_id\":\"inner\"},\"card_id\":\"7301\",\"version\":5,\"op\":\"card\"}";

    assertThat(FrameReader.number(frame, "version")).isEqualTo(5);
    assertThat(FrameReader.string(frame, "card_id")).isEqualTo("7301");
  }

  @Test
  void aBraceInATextBeforeTheKeyMakesItParseTheFrame() {
    String frame =
        "{\"type\":\"card\",\"text\":\"a {\\\"version\\\":1} b\",\"card_id\":\"7301\",\"version\":3}";

    assertThat(FrameReader.number(frame, "version")).isEqualTo(3);
    assertThat(FrameReader.string(frame, FrameReader.CARD_ID)).isEqualTo("7301");
  }

  @Test
  void findsTheTypeWhereverItIs() {
    assertThat(
            FrameReader.kind(
                "{\"card_id\":\"7301\",\"version\":3,\"type\":\"snapshot\",\"card\":{}}"))
        .isEqualTo(Kind.SNAPSHOT);
  }

  @Test
  void tellsTheOtherFramesApart() {
    assertThat(FrameReader.kind("{\"type\":\"hello\",\"user\":\"ou_1\"}")).isEqualTo(Kind.HELLO);
    assertThat(FrameReader.kind("{\"type\":\"message\",\"chat_id\":\"oc_1\",\"message\":{}}"))
        .isEqualTo(Kind.MESSAGE);
    assertThat(FrameReader.kind("{\"type\":\"preview\",\"chat_id\":\"oc_1\"}"))
        .isEqualTo(Kind.OTHER);
    assertThat(FrameReader.kind("{\"type\":\"toast\",\"toast\":{}}")).isEqualTo(Kind.OTHER);
  }

  @Test
  void aMissingFieldIsNullOrMinusOne() {
    String flat = "{\"type\":\"hello\",\"user\":\"ou_1\"}";

    assertThat(FrameReader.string(flat, "card_id")).isNull();
    assertThat(FrameReader.number(flat, "version")).isEqualTo(-1);
    assertThat(FrameReader.appendVersion("[7]")).isEqualTo(-1);
  }
}
