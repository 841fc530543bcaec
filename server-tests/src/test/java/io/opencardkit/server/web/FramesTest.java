package io.opencardkit.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEvent;
import io.opencardkit.core.engine.EventType;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class FramesTest {
  private static final String CARD = "7000000000000000001";
  private static final CardFacts STREAMING =
      new CardFacts(CARD, "om_1", "oc_1", 9, true, 1_700_000_600_000L, "[生成中...]");
  private static final CardFacts DONE =
      new CardFacts(CARD, "om_1", "oc_1", 9, false, null, "Answer");

  private static CardEvent event(EventType type, long version, String payloadJson) {
    return new CardEvent(
        CARD,
        version,
        type,
        1_700_000_000_000L,
        "cli_a",
        3,
        null,
        null,
        (ObjectNode) Json.parseOrNull(payloadJson));
  }

  @Test
  void card_append_carriesOnlyTheIncrementAndTheStateAfter() {
    String frame =
        Frames.card(
            event(
                EventType.CONTENT_APPENDED,
                9,
                "{\"element_id\":\"md\",\"offset\":5,\"text\":\", world\"}"),
            STREAMING);

    assertThat(frame)
        .isEqualTo(
            "{\"type\":\"card\",\"card_id\":\""
                + CARD
                + "\",\"message_id\":\"om_1\",\"chat_id\":\"oc_1\",\"version\":9,"
                + "\"op\":\"append\",\"element_id\":\"md\",\"offset\":5,\"text\":\", world\","
                + "\"streaming\":true,\"deadline\":1700000600000,\"summary\":\"[生成中...]\"}");
  }

  @Test
  void card_replace_carriesTheNewText() {
    String frame =
        Frames.card(
            event(EventType.CONTENT_REPLACED, 9, "{\"element_id\":\"md\",\"text\":\"Bye\"}"), DONE);

    assertThat(frame)
        .isEqualTo(
            "{\"type\":\"card\",\"card_id\":\""
                + CARD
                + "\",\"message_id\":\"om_1\",\"chat_id\":\"oc_1\",\"version\":9,"
                + "\"op\":\"replace\",\"element_id\":\"md\",\"text\":\"Bye\",\"streaming\":false,\"deadline\":null,\"summary\":\"Answer\"}");
  }

  @Test
  void card_settings_carriesTheChangedKeysOnly() {
    String frame =
        Frames.card(event(EventType.SETTINGS, 9, "{\"config\":{\"streaming_mode\":false}}"), DONE);

    assertThat(frame)
        .contains("\"op\":\"settings\",\"config\":{\"streaming_mode\":false},\"streaming\":false");
    assertThat(frame).doesNotContain("card_link");
  }

  @Test
  void card_structuralEvents_carryTheirPayloadFields() {
    assertThat(Frames.card(event(EventType.REPLACED, 9, "{\"card\":{\"schema\":\"2.0\"}}"), DONE))
        .contains("\"op\":\"card\",\"card\":{\"schema\":\"2.0\"}");
    assertThat(
            Frames.card(
                event(
                    EventType.ELEMENTS_ADDED,
                    9,
                    "{\"type\":\"append\",\"elements\":[{\"tag\":\"hr\"}]}"),
                DONE))
        .startsWith("{\"type\":\"card\",")
        .contains(
            "\"op\":\"elements_added\",\"insert_type\":\"append\",\"elements\":[{\"tag\":\"hr\"}]");
    assertThat(
            Frames.card(
                event(
                    EventType.ELEMENT_UPDATED,
                    9,
                    "{\"element_id\":\"b\",\"element\":{\"tag\":\"hr\"}}"),
                DONE))
        .contains("\"op\":\"element_updated\",\"element_id\":\"b\",\"element\":{\"tag\":\"hr\"}");
    assertThat(
            Frames.card(
                event(
                    EventType.ELEMENT_PATCHED,
                    9,
                    "{\"element_id\":\"b\",\"partial_element\":{\"x\":1}}"),
                DONE))
        .contains("\"op\":\"element_patched\",\"element_id\":\"b\",\"partial_element\":{\"x\":1}");
    assertThat(Frames.card(event(EventType.ELEMENTS_DELETED, 9, "{\"element_ids\":[\"b\"]}"), DONE))
        .contains("\"op\":\"elements_deleted\",\"element_ids\":[\"b\"]");
    assertThat(
            Frames.card(
                event(
                    EventType.BATCH,
                    9,
                    "{\"actions\":[{\"action\":\"delete_elements\",\"params\":{}}]}"),
                DONE))
        .contains("\"op\":\"batch\",\"actions\":[{\"action\":\"delete_elements\",\"params\":{}}]");
  }

  @Test
  void card_timeoutAndSent_carryNoFields() {
    assertThat(Frames.card(event(EventType.STREAMING_TIMED_OUT, 9, "{}"), DONE))
        .contains("\"version\":9,\"op\":\"streaming_timed_out\",\"streaming\":false");
    assertThat(
            Frames.card(
                event(EventType.SENT, 9, "{\"message_id\":\"om_1\",\"chat_id\":\"oc_1\"}"), DONE))
        .contains("\"version\":9,\"op\":\"sent\",\"streaming\":false");
  }

  @Test
  void snapshot_embedsTheCardJsonAsIs() {
    String frame =
        Frames.snapshot(new CardView(STREAMING, "{\"schema\":\"2.0\",\"body\":{\"elements\":[]}}"));

    assertThat(frame)
        .isEqualTo(
            "{\"type\":\"snapshot\",\"card_id\":\""
                + CARD
                + "\",\"message_id\":\"om_1\",\"chat_id\":\"oc_1\",\"version\":9,"
                + "\"card\":{\"schema\":\"2.0\",\"body\":{\"elements\":[]}},"
                + "\"streaming\":true,\"deadline\":1700000600000,\"summary\":\"[生成中...]\"}");
  }

  @Test
  void message_textMessage_hasNoCard() {
    MessageView view =
        new MessageView(
            "om_2",
            "oc_1",
            "text",
            "ou_a",
            "Alice",
            "user",
            1_700_000_000_000L,
            Json.parseOrNull("{\"text\":\"hi\"}"),
            null,
            "hi");

    assertThat(Frames.message(view))
        .isEqualTo(
            "{\"type\":\"message\",\"chat_id\":\"oc_1\",\"message\":{\"message_id\":\"om_2\",\"chat_id\":\"oc_1\","
                + "\"msg_type\":\"text\",\"sender\":{\"id\":\"ou_a\",\"name\":\"Alice\",\"kind\":\"user\"},"
                + "\"create_time\":1700000000000,\"content\":{\"text\":\"hi\"},\"card\":null,\"summary\":\"hi\",\"reactions\":[]}}");
  }

  @Test
  void message_withReactions_listsThemWithTheirOperators() {
    MessageView view =
        new MessageView(
            "om_2",
            "oc_1",
            "text",
            "ou_a",
            "Alice",
            "user",
            1_700_000_000_000L,
            Json.parseOrNull("{\"text\":\"hi\"}"),
            null,
            "hi",
            java.util.List.of(
                new MessageView.ReactionView("r1", "Typing", "cli_a", "Answer Bot", "bot")));

    assertThat(Frames.message(view))
        .endsWith(
            "\"reactions\":[{\"reaction_id\":\"r1\",\"emoji_type\":\"Typing\",\"operator\":{\"id\":\"cli_a\",\"name\":\"Answer Bot\",\"kind\":\"bot\"}}]}}");
  }

  @Test
  void toast_carriesChatMessageAndToast() {
    assertThat(Frames.toast("oc_1", "om_1", "success", "Saved"))
        .isEqualTo(
            "{\"type\":\"toast\",\"chat_id\":\"oc_1\",\"message_id\":\"om_1\",\"toast\":{\"type\":\"success\",\"content\":\"Saved\"}}");
  }

  @Test
  void message_cardEntity_carriesCardVersionAndJson() {
    MessageView view =
        new MessageView(
            "om_1",
            "oc_1",
            "interactive",
            "cli_a",
            "Answer Bot",
            "bot",
            1_700_000_000_000L,
            Json.parseOrNull("{\"type\":\"card\",\"data\":{\"card_id\":\"" + CARD + "\"}}"),
            new CardView(STREAMING, "{\"schema\":\"2.0\"}"),
            "[生成中...]");

    assertThat(Frames.message(view))
        .contains(
            "\"card\":{\"card_id\":\""
                + CARD
                + "\",\"version\":9,\"card\":{\"schema\":\"2.0\"},\"streaming\":true,"
                + "\"deadline\":1700000600000},\"summary\":\"[生成中...]\"");
  }

  @Test
  void preview_hasChatMessageAndSummary() {
    assertThat(Frames.preview("oc_1", "om_1", "Answer"))
        .isEqualTo(
            "{\"type\":\"preview\",\"chat_id\":\"oc_1\",\"message_id\":\"om_1\",\"summary\":\"Answer\"}");
  }

  @Test
  void hello_namesTheUser() {
    assertThat(Frames.hello("ou_a")).isEqualTo("{\"type\":\"hello\",\"user\":\"ou_a\"}");
  }

  @Test
  void resumeOf_resumeFrame_returnsVersionsInOrder() {
    assertThat(Frames.resumeOf("{\"type\":\"resume\",\"cards\":{\"b\":7,\"a\":0}}"))
        .hasValueSatisfying(
            v -> assertThat(v).containsExactly(Map.entry("b", 7L), Map.entry("a", 0L)));
  }

  @Test
  void resumeOf_badVersions_areDropped() {
    assertThat(
            Frames.resumeOf(
                "{\"type\":\"resume\",\"cards\":{\"a\":-1,\"b\":\"7\",\"c\":1.5,\"d\":2}}"))
        .hasValueSatisfying(v -> assertThat(v).containsExactly(Map.entry("d", 2L)));
  }

  @Test
  void resumeOf_otherFrames_areNotResumes() {
    assertThat(Frames.resumeOf("{\"type\":\"ping\"}")).isEmpty();
    assertThat(Frames.resumeOf("not json")).isEmpty();
    assertThat(Frames.resumeOf("{\"type\":\"resume\"}"))
        .hasValueSatisfying(v -> assertThat(v).isEmpty());
  }

  @Test
  void op_everyEventType_hasAProtocolName() {
    for (EventType type : EventType.values()) {
      assertThat(Frames.op(type)).isNotBlank();
    }
    assertThat(Frames.op(EventType.CONTENT_APPENDED)).isEqualTo("append");
    assertThat(Frames.op(EventType.REPLACED)).isEqualTo("card");
  }
}
