package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.lark.oapi.card.model.CardAction;
import com.lark.oapi.core.utils.Jsons;
import com.lark.oapi.event.cardcallback.model.P2CardActionTrigger;
import com.lark.oapi.service.im.v1.model.P2MessageReceiveV1;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Chat;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.User;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our bodies read back through the official Java SDK's models (what a bot's handler receives). */
final class EventPayloadsTest {
  private static final App APP = new App("cli_bot", "s", "Answer Bot", null, null, "vtoken", null);
  private static final User ALICE = new User("ou_alice", "Alice", null);
  private static final Chat GROUP =
      new Chat("oc_group", "General", List.of("ou_alice", "cli_bot"), "group");
  private static final Directory DIRECTORY =
      new Directory(List.of(APP), List.of(ALICE), List.of(GROUP));

  private static MessageRecord text(String text) {
    return new MessageRecord(
        "om_1",
        "oc_group",
        "ou_alice",
        "user",
        "text",
        Json.write(Json.object().put("text", text)),
        null,
        null,
        null,
        null,
        1700000000123L,
        1700000000123L);
  }

  @Test
  void messageReceive_groupTextWithMention_readsAsSdkEvent() {
    MessageRecord message =
        text("<at user_id=\"" + APP.botOpenId() + "\">Answer Bot</at> what time is it?");
    ObjectNode body =
        EventPayloads.messageReceive(
            APP, "ev_1", 1700000001000L, message, GROUP, EventContent.of(message, DIRECTORY));
    P2MessageReceiveV1 event = Jsons.DEFAULT.fromJson(Json.write(body), P2MessageReceiveV1.class);

    assertThat(event.getSchema()).isEqualTo("2.0");
    assertThat(event.getHeader().getEventId()).isEqualTo("ev_1");
    assertThat(event.getHeader().getEventType()).isEqualTo("im.message.receive_v1");
    assertThat(event.getHeader().getToken()).isEqualTo("vtoken");
    assertThat(event.getHeader().getAppId()).isEqualTo("cli_bot");
    assertThat(event.getHeader().getCreateTime()).isEqualTo("1700000001000");
    assertThat(event.getEvent().getSender().getSenderId().getOpenId()).isEqualTo("ou_alice");
    assertThat(event.getEvent().getSender().getSenderType()).isEqualTo("user");
    assertThat(event.getEvent().getMessage().getMessageId()).isEqualTo("om_1");
    assertThat(event.getEvent().getMessage().getChatType()).isEqualTo("group");
    assertThat(event.getEvent().getMessage().getMessageType()).isEqualTo("text");
    assertThat(event.getEvent().getMessage().getContent())
        .isEqualTo("{\"text\":\"@_user_1 what time is it?\"}");
    assertThat(event.getEvent().getMessage().getMentions())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getKey()).isEqualTo("@_user_1");
              assertThat(m.getId().getOpenId()).isEqualTo(APP.botOpenId());
              assertThat(m.getName()).isEqualTo("Answer Bot");
            });
  }

  @Test
  void messageReceive_postWithMentionAndParagraphs_readsAsTheFeishuClientsPost() {
    String post =
        "{\"title\":\"\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"cli_bot\",\"user_name\":\"Answer Bot\",\"style\":[]},"
            + "{\"tag\":\"text\",\"text\":\" first\",\"style\":[]}],[],[{\"tag\":\"text\",\"text\":\"second\",\"style\":[]}]]}";
    MessageRecord message =
        new MessageRecord(
            "om_2", "oc_group", "ou_alice", "user", "post", post, null, null, null, null, 1, 1);

    ObjectNode body =
        EventPayloads.messageReceive(
            APP, "ev_2", 1700000001000L, message, GROUP, EventContent.of(message, DIRECTORY));
    P2MessageReceiveV1 event = Jsons.DEFAULT.fromJson(Json.write(body), P2MessageReceiveV1.class);

    assertThat(event.getEvent().getMessage().getMessageType()).isEqualTo("post");
    // The at element keeps its place; its user_id is the placeholder of the mentions list, as
    // Feishu delivers it.
    assertThat(event.getEvent().getMessage().getContent())
        .isEqualTo(
            "{\"title\":\"\",\"content\":[[{\"tag\":\"at\",\"user_id\":\"@_user_1\",\"user_name\":\"Answer Bot\",\"style\":[]},"
                + "{\"tag\":\"text\",\"text\":\" first\",\"style\":[]}],[],[{\"tag\":\"text\",\"text\":\"second\",\"style\":[]}]]}");
    assertThat(event.getEvent().getMessage().getMentions())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getKey()).isEqualTo("@_user_1");
              assertThat(m.getId().getOpenId()).isEqualTo(APP.botOpenId());
              assertThat(m.getName()).isEqualTo("Answer Bot");
            });
  }

  @Test
  void cardAction_readsAsSdkCallback() {
    ObjectNode action =
        (ObjectNode)
            Json.parseOrNull(
                "{\"value\":{\"choice\":\"yes\"},\"tag\":\"button\",\"form_value\":{\"name\":\"Ann\"},\"name\":\"submit\"}");

    ObjectNode body =
        EventPayloads.cardAction(
            APP, "ev_2", 1700000001000L, "ou_alice", "c-token", action, "om_1", "oc_group");
    P2CardActionTrigger trigger =
        Jsons.DEFAULT.fromJson(Json.write(body), P2CardActionTrigger.class);

    assertThat(trigger.getHeader().getEventType()).isEqualTo("card.action.trigger");
    assertThat(trigger.getHeader().getCreateTime())
        .isEqualTo("1700000001000000"); // microseconds, as documented
    assertThat(trigger.getEvent().getOperator().getOpenId()).isEqualTo("ou_alice");
    assertThat(trigger.getEvent().getToken()).isEqualTo("c-token");
    assertThat(trigger.getEvent().getAction().getValue()).containsEntry("choice", "yes");
    assertThat(trigger.getEvent().getAction().getTag()).isEqualTo("button");
    assertThat(trigger.getEvent().getAction().getFormValue()).containsEntry("name", "Ann");
    assertThat(trigger.getEvent().getAction().getName()).isEqualTo("submit");
    assertThat(trigger.getEvent().getContext().getOpenMessageId()).isEqualTo("om_1");
    assertThat(trigger.getEvent().getContext().getOpenChatId()).isEqualTo("oc_group");
  }

  @Test
  void cardActionV1_readsAsSdkLegacyCardAction() {
    ObjectNode action =
        (ObjectNode)
            Json.parseOrNull(
                "{\"value\":{\"k\":\"v\"},\"tag\":\"select_static\",\"option\":\"b\"}");

    CardAction legacy =
        Jsons.DEFAULT.fromJson(
            Json.write(EventPayloads.cardActionV1("ou_alice", "c-t", action, "om_1", "oc_group")),
            CardAction.class);

    assertThat(legacy.getOpenId()).isEqualTo("ou_alice");
    assertThat(legacy.getOpenMessageId()).isEqualTo("om_1");
    assertThat(legacy.getOpenChatId()).isEqualTo("oc_group");
    assertThat(legacy.getToken()).isEqualTo("c-t");
    assertThat(legacy.getAction().getTag()).isEqualTo("select_static");
    assertThat(legacy.getAction().getOption()).isEqualTo("b");
  }

  @Test
  void urlVerification_carriesTheVerificationToken() {
    ObjectNode body = EventPayloads.urlVerification(APP, "ch-1");

    assertThat(Json.write(body))
        .isEqualTo("{\"challenge\":\"ch-1\",\"token\":\"vtoken\",\"type\":\"url_verification\"}");
  }
}
