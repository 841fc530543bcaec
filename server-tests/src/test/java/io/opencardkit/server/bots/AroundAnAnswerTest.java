package io.opencardkit.server.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.lark.oapi.Client;
import com.lark.oapi.service.contact.v3.model.GetUserReq;
import com.lark.oapi.service.contact.v3.model.GetUserResp;
import com.lark.oapi.service.im.v1.model.CreateMessageReactionReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReactionReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReactionResp;
import com.lark.oapi.service.im.v1.model.DeleteMessageReactionReq;
import com.lark.oapi.service.im.v1.model.DeleteMessageReactionResp;
import com.lark.oapi.service.im.v1.model.Emoji;
import com.lark.oapi.service.im.v1.model.ListMessageReactionReq;
import com.lark.oapi.service.im.v1.model.ListMessageReactionResp;
import com.lark.oapi.service.im.v1.model.ReplyMessageReq;
import com.lark.oapi.service.im.v1.model.ReplyMessageReqBody;
import com.lark.oapi.service.im.v1.model.ReplyMessageResp;
import io.opencardkit.core.Json;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.testkit.Await;
import io.opencardkit.server.testkit.PageSocket;
import io.opencardkit.server.testkit.TestSeed;
import io.opencardkit.server.testkit.TestServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a bot calls around a streamed answer, through the official Java SDK: a "typing" reaction on
 * the user's message, the sender's name from the contact API, and the answer as a card entity
 * replying to the message.
 */
final class AroundAnAnswerTest {
  private final TestSeed seed = new TestSeed();
  private final TestServer server =
      TestServer.start(seed, Clock.systemUTC(), Duration.ofMinutes(10));
  private final Client sdk = server.client();
  private final String p2p = Directory.p2pChatId(seed.appId, seed.alice);

  @AfterEach
  void stop() {
    server.close();
  }

  private CreateMessageReactionResp react(Client client, String messageId, String emoji)
      throws Exception {
    return client
        .im()
        .v1()
        .messageReaction()
        .create(
            CreateMessageReactionReq.newBuilder()
                .messageId(messageId)
                .createMessageReactionReqBody(
                    CreateMessageReactionReqBody.newBuilder()
                        .reactionType(Emoji.newBuilder().emojiType(emoji).build())
                        .build())
                .build());
  }

  private DeleteMessageReactionResp unreact(String messageId, String reactionId) throws Exception {
    return sdk.im()
        .v1()
        .messageReaction()
        .delete(
            DeleteMessageReactionReq.newBuilder()
                .messageId(messageId)
                .reactionId(reactionId)
                .build());
  }

  @Test
  void typingReaction_isShownOnThePageAndRemovedAgain() throws Exception {
    String question = new Page(server.baseUrl(), seed.alice).say(p2p, "what is OpenCardKit?");
    try (PageSocket alice = PageSocket.signedIn(server.baseUrl(), seed.alice)) {

      CreateMessageReactionResp added = react(sdk, question, "Typing");

      assertThat(added.getCode()).isZero();
      assertThat(added.getData().getReactionType().getEmojiType()).isEqualTo("Typing");
      assertThat(added.getData().getOperator().getOperatorId()).isEqualTo(seed.appId);
      assertThat(added.getData().getOperator().getOperatorType()).isEqualTo("app");
      JsonNode shown =
          alice.await(
              f ->
                  "message".equals(f.path("type").asText())
                      && f.path("message").path("reactions").size() == 1,
              Await.WAIT);
      assertThat(shown.get("message").get("message_id").asText()).isEqualTo(question);
      assertThat(Json.write(shown.get("message").get("reactions").get(0)))
          .isEqualTo(
              "{\"reaction_id\":\""
                  + added.getData().getReactionId()
                  + "\",\"emoji_type\":\"Typing\",\"operator\":{\"id\":\""
                  + seed.appId
                  + "\",\"name\":\"Answer Bot\",\"kind\":\"bot\"}}");
      ListMessageReactionResp listed =
          sdk.im()
              .v1()
              .messageReaction()
              .list(ListMessageReactionReq.newBuilder().messageId(question).build());
      assertThat(listed.getData().getItems())
          .extracting(r -> r.getReactionId())
          .containsExactly(added.getData().getReactionId());
      assertThat(new Page(server.baseUrl(), seed.alice).messages(p2p).get(0).get("reactions"))
          .hasSize(1); // history shows it too

      DeleteMessageReactionResp removed = unreact(question, added.getData().getReactionId());

      assertThat(removed.getCode()).isZero();
      alice.await(
          f ->
              "message".equals(f.path("type").asText())
                  && question.equals(f.path("message").path("message_id").asText())
                  && f.path("message").path("reactions").isEmpty(),
          Await.WAIT);
    }
  }

  @Test
  void reaction_sameEmojiTwice_answersTheSameReaction() throws Exception {
    String question = new Page(server.baseUrl(), seed.alice).say(p2p, "hello");

    String first = react(sdk, question, "THUMBSUP").getData().getReactionId();

    assertThat(react(sdk, question, "THUMBSUP").getData().getReactionId()).isEqualTo(first);
  }

  @Test
  void reaction_refusals_useFeishusCodes() throws Exception {
    String question = new Page(server.baseUrl(), seed.alice).say(p2p, "hello");

    assertThat(react(sdk, "om_00000000000000000000000000000000", "Typing").getCode())
        .isEqualTo(231003);
    assertThat(react(sdk, question, "not an emoji!").getCode()).isEqualTo(231001);
    assertThat(react(server.otherClient(), question, "Typing").getCode())
        .isEqualTo(231002); // not a member of the chat
    assertThat(unreact(question, "no-such-reaction").getCode()).isEqualTo(231010);
  }

  @Test
  void contactUser_answersTheNameFromTheDirectory() throws Exception {
    GetUserResp alice =
        sdk.contact()
            .v3()
            .user()
            .get(GetUserReq.newBuilder().userId(seed.alice).userIdType("open_id").build());
    GetUserResp unknown =
        sdk.contact().v3().user().get(GetUserReq.newBuilder().userId("ou_nobody").build());

    assertThat(alice.getCode()).isZero();
    assertThat(alice.getData().getUser().getName()).isEqualTo("Alice");
    assertThat(alice.getData().getUser().getOpenId()).isEqualTo(seed.alice);
    GetUserResp byUnionId =
        sdk.contact()
            .v3()
            .user()
            .get(
                GetUserReq.newBuilder()
                    .userId(alice.getData().getUser().getUnionId())
                    .userIdType("union_id")
                    .build());
    assertThat(byUnionId.getData().getUser().getOpenId()).isEqualTo(seed.alice);
    assertThat(unknown.getCode()).isEqualTo(41050);
  }

  @Test
  void replyWithCardEntity_showsTheStreamedAnswerUnderTheQuestion() throws Exception {
    String question = new Page(server.baseUrl(), seed.alice).say(p2p, "explain streaming");
    String cardId =
        Cards.create(
            sdk,
            "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}]}}");

    ReplyMessageResp reply =
        sdk.im()
            .v1()
            .message()
            .reply(
                ReplyMessageReq.newBuilder()
                    .messageId(question)
                    .replyMessageReqBody(
                        ReplyMessageReqBody.newBuilder()
                            .msgType("interactive")
                            .content(
                                Json.write(
                                    Json.object()
                                        .put("type", "card")
                                        .set("data", Json.object().put("card_id", cardId))))
                            .build())
                    .build());

    assertThat(reply.getCode()).isZero();
    assertThat(reply.getData().getParentId()).isEqualTo(question);
    assertThat(reply.getData().getChatId()).isEqualTo(p2p);
    assertThat(Cards.content(sdk, cardId, "Streaming means", 1)).isZero();
    JsonNode answer = new Page(server.baseUrl(), seed.alice).messages(p2p).get(1);
    assertThat(answer.get("card").get("card_id").asText()).isEqualTo(cardId);
    assertThat(
            answer
                .get("card")
                .get("card")
                .get("body")
                .get("elements")
                .get(0)
                .get("content")
                .asText())
        .isEqualTo("Streaming means");
  }
}
