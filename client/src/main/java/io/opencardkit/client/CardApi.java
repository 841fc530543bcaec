package io.opencardkit.client;

import com.lark.oapi.Client;
import com.lark.oapi.core.response.BaseResponse;
import com.lark.oapi.core.response.RawResponse;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardReq;
import com.lark.oapi.service.cardkit.v1.model.BatchUpdateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.ContentCardElementReqBody;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReq;
import com.lark.oapi.service.cardkit.v1.model.SettingsCardReqBody;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementReq;
import com.lark.oapi.service.cardkit.v1.model.UpdateCardElementReqBody;
import com.lark.oapi.service.im.v1.model.CreateMessageReq;
import com.lark.oapi.service.im.v1.model.CreateMessageReqBody;
import com.lark.oapi.service.im.v1.model.ReplyMessageReq;
import com.lark.oapi.service.im.v1.model.ReplyMessageReqBody;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The CardKit and IM calls a stream makes, through the official SDK. Each returns a {@link Reply}
 * and never throws.
 */
final class CardApi {
  private final Client sdk;

  CardApi(Client sdk) {
    this.sdk = sdk;
  }

  /** Creates a card entity; the reply's value is its card id. */
  Reply createCard(String cardJson) {
    return call(
        () ->
            sdk.cardkit()
                .v1()
                .card()
                .create(
                    CreateCardReq.newBuilder()
                        .createCardReqBody(
                            CreateCardReqBody.newBuilder().type("card_json").data(cardJson).build())
                        .build()),
        r -> r.getData() == null ? null : r.getData().getCardId());
  }

  /**
   * Sends (or replies with) a message showing the card entity; the reply's value is the message id.
   */
  Reply send(Target target, String cardId, String uuid) {
    String content = CardJson.entityContent(cardId);
    if (target.kind() == Target.Kind.REPLY) {
      return call(
          () ->
              sdk.im()
                  .v1()
                  .message()
                  .reply(
                      ReplyMessageReq.newBuilder()
                          .messageId(target.id())
                          .replyMessageReqBody(
                              ReplyMessageReqBody.newBuilder()
                                  .msgType("interactive")
                                  .content(content)
                                  .replyInThread(target.inThread())
                                  .uuid(uuid)
                                  .build())
                          .build()),
          r -> r.getData() == null ? null : r.getData().getMessageId());
    }
    String idType = target.kind() == Target.Kind.USER ? "open_id" : "chat_id";
    return call(
        () ->
            sdk.im()
                .v1()
                .message()
                .create(
                    CreateMessageReq.newBuilder()
                        .receiveIdType(idType)
                        .createMessageReqBody(
                            CreateMessageReqBody.newBuilder()
                                .receiveId(target.id())
                                .msgType("interactive")
                                .content(content)
                                .uuid(uuid)
                                .build())
                        .build()),
        r -> r.getData() == null ? null : r.getData().getMessageId());
  }

  Reply content(String cardId, String elementId, String text, int sequence, String uuid) {
    return call(
        () ->
            sdk.cardkit()
                .v1()
                .cardElement()
                .content(
                    ContentCardElementReq.newBuilder()
                        .cardId(cardId)
                        .elementId(elementId)
                        .contentCardElementReqBody(
                            ContentCardElementReqBody.newBuilder()
                                .content(text)
                                .sequence(sequence)
                                .uuid(uuid)
                                .build())
                        .build()),
        r -> null);
  }

  Reply settings(String cardId, String settings, int sequence, String uuid) {
    return call(
        () ->
            sdk.cardkit()
                .v1()
                .card()
                .settings(
                    SettingsCardReq.newBuilder()
                        .cardId(cardId)
                        .settingsCardReqBody(
                            SettingsCardReqBody.newBuilder()
                                .settings(settings)
                                .sequence(sequence)
                                .uuid(uuid)
                                .build())
                        .build()),
        r -> null);
  }

  Reply batchUpdate(String cardId, String actions, int sequence, String uuid) {
    return call(
        () ->
            sdk.cardkit()
                .v1()
                .card()
                .batchUpdate(
                    BatchUpdateCardReq.newBuilder()
                        .cardId(cardId)
                        .batchUpdateCardReqBody(
                            BatchUpdateCardReqBody.newBuilder()
                                .actions(actions)
                                .sequence(sequence)
                                .uuid(uuid)
                                .build())
                        .build()),
        r -> null);
  }

  Reply replaceElement(String cardId, String elementId, String element, int sequence, String uuid) {
    return call(
        () ->
            sdk.cardkit()
                .v1()
                .cardElement()
                .update(
                    UpdateCardElementReq.newBuilder()
                        .cardId(cardId)
                        .elementId(elementId)
                        .updateCardElementReqBody(
                            UpdateCardElementReqBody.newBuilder()
                                .element(element)
                                .sequence(sequence)
                                .uuid(uuid)
                                .build())
                        .build()),
        r -> null);
  }

  @FunctionalInterface
  private interface SdkCall<R> {
    R run() throws Exception;
  }

  private static <R extends BaseResponse<?>> Reply call(
      SdkCall<R> call, Function<R, String> value) {
    R resp;
    try {
      resp = call.run();
    } catch (Exception e) {
      return Reply.failed(e);
    }
    if (resp == null) {
      return Reply.failed(new IllegalStateException("the SDK returned no response"));
    }
    RawResponse raw = resp.getRawResponse();
    int status = raw == null ? 0 : raw.getStatusCode();
    return Reply.of(
        status,
        resp.getCode(),
        resp.getMsg(),
        resp.getRequestId(),
        resp.success() ? value.apply(resp) : null,
        retryAfter(raw));
  }

  /** The gateway's {@code x-ogw-ratelimit-reset} (seconds) in milliseconds, or 0. */
  private static long retryAfter(RawResponse raw) {
    if (raw == null || raw.getHeaders() == null) {
      return 0;
    }
    for (Map.Entry<String, List<String>> header : raw.getHeaders().entrySet()) {
      if ("x-ogw-ratelimit-reset".equalsIgnoreCase(header.getKey())
          && header.getValue() != null
          && !header.getValue().isEmpty()) {
        try {
          return Math.max(
              0, Math.round(Double.parseDouble(header.getValue().get(0).trim()) * 1000));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }
}
