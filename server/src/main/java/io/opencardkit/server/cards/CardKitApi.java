package io.opencardkit.server.cards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Fingerprints;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import io.opencardkit.core.engine.CardOperations;
import io.opencardkit.core.engine.Mutation;
import io.opencardkit.core.engine.Outcome;
import io.opencardkit.server.http.RequestBody;
import io.opencardkit.server.http.Responder;
import io.opencardkit.server.http.StrictText;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.templates.TemplateLibrary;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The ten CardKit v1 endpoints under {@code /open-apis/cardkit/v1}. */
public final class CardKitApi {
  private static final String BASE = "/open-apis/cardkit/v1/cards";
  private static final Set<String> INSERT_TYPES = Set.of("insert_before", "insert_after", "append");

  private final CardRuntime runtime;
  private final MessageService messages;
  private final TemplateLibrary templates;

  public CardKitApi(CardRuntime runtime, MessageService messages, TemplateLibrary templates) {
    this.runtime = runtime;
    this.messages = messages;
    this.templates = templates;
  }

  /**
   * Mounts the routes. The streaming content update comes first: it is nearly every call a node
   * serves, and Vert.x tries a request against each route in turn, matching the path (a regular
   * expression for a route with parameters) before the method. No other route's pattern matches its
   * paths. {@code id_convert} is registered before the {@code :card_id} routes that could shadow
   * it.
   */
  public void mount(Router router) {
    router
        .put(BASE + "/:card_id/elements/:element_id/content")
        .handler(ctx -> mutate(ctx, Mutation.Kind.CONTENT, b -> contentPayload(ctx, b)));
    router.post(BASE).handler(this::create);
    router.post(BASE + "/id_convert").handler(this::idConvert);
    router
        .patch(BASE + "/:card_id/settings")
        .handler(ctx -> mutate(ctx, Mutation.Kind.SETTINGS, this::settingsPayload));
    router
        .put(BASE + "/:card_id")
        .handler(ctx -> mutate(ctx, Mutation.Kind.REPLACE, this::replacePayload));
    router
        .post(BASE + "/:card_id/batch_update")
        .handler(ctx -> mutate(ctx, Mutation.Kind.BATCH, this::batchPayload));
    router
        .post(BASE + "/:card_id/elements")
        .handler(ctx -> mutate(ctx, Mutation.Kind.ADD_ELEMENTS, this::addPayload));
    router
        .put(BASE + "/:card_id/elements/:element_id")
        .handler(ctx -> mutate(ctx, Mutation.Kind.UPDATE_ELEMENT, b -> updatePayload(ctx, b)));
    router
        .patch(BASE + "/:card_id/elements/:element_id")
        .handler(ctx -> mutate(ctx, Mutation.Kind.PATCH_ELEMENT, b -> patchPayload(ctx, b)));
    router
        .delete(BASE + "/:card_id/elements/:element_id")
        .handler(ctx -> mutate(ctx, Mutation.Kind.DELETE_ELEMENTS, b -> deletePayload(ctx)));
  }

  private void create(RoutingContext ctx) {
    try {
      RequestBody body = RequestBody.of(ctx);
      String type = body.requiredString("type", 1, 50);
      String data = body.requiredString("data", 0, 3_000_000);
      ObjectNode card;
      if ("template".equals(type)) {
        card = templates.render(parseJson(data, "data"));
      } else if ("card_json".equals(type)) {
        card = CardValidator.parseCard(data);
      } else {
        throw ApiException.of(
            ErrorCode.INVALID_PARAMETER, "type must be card_json or template, got " + type);
      }
      CompletableFuture<String> created = runtime.create(ctx.get(Responder.APP_ID), card);
      Responder.reply(ctx, created, cardId -> Json.object().put("card_id", cardId));
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private void idConvert(RoutingContext ctx) {
    try {
      String messageId = RequestBody.of(ctx).requiredString("message_id", 1, 50);
      Responder.reply(
          ctx,
          messages.cardIdOf(ctx.get(Responder.APP_ID), messageId),
          cardId -> Json.object().put("card_id", cardId));
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private void mutate(
      RoutingContext ctx, Mutation.Kind kind, Function<RequestBody, ObjectNode> payloadOf) {
    try {
      String appId = ctx.get(Responder.APP_ID);
      String cardId = pathId(ctx, "card_id");
      ctx.put(Responder.CARD_ID, cardId);
      String elementId = ctx.pathParam("element_id") == null ? null : pathId(ctx, "element_id");
      RequestBody body = RequestBody.of(ctx);
      int sequence = body.requiredSequence();
      ctx.put(Responder.SEQUENCE, sequence);
      String uuid = body.uuid();
      ObjectNode payload = payloadOf.apply(body);
      // Only a call with a uuid can be told apart as a replay, so only then is its digest needed:
      // serializing and
      // hashing a full-text body for nothing was a large part of a content update's CPU time.
      String fingerprint =
          uuid == null ? null : Fingerprints.of(kind.name(), cardId, elementId, body.withoutUuid());
      Mutation mutation = new Mutation(kind, appId, sequence, uuid, fingerprint, payload);
      CompletableFuture<Outcome> outcome = runtime.mutate(cardId, mutation);
      Responder.reply(
          ctx,
          outcome,
          o -> {
            if (o.refusal() != null) {
              throw o.refusal();
            }
            return Json.object();
          });
    } catch (ApiException e) {
      Responder.refuse(ctx, e);
    }
  }

  private static String pathId(RoutingContext ctx, String name) {
    String value = ctx.pathParam(name);
    if (value == null || value.isEmpty() || value.length() > 20) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, name + " must have 1..20 characters");
    }
    return value;
  }

  private ObjectNode settingsPayload(RequestBody body) {
    String settings = body.requiredString("settings", 1, 100_000);
    return CardOperations.normalizeSettings(parseJson(settings, "settings"));
  }

  private ObjectNode replacePayload(RequestBody body) {
    ObjectNode card = body.requiredObject("card");
    JsonNode type = card.get("type");
    if (type == null || !"card_json".equals(type.asText())) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "card.type must be card_json");
    }
    JsonNode data = card.get("data");
    if (data == null || !data.isTextual() || data.asText().length() > 1_000_000) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "card.data must be a string of at most 1,000,000 characters");
    }
    ObjectNode payload = Json.object();
    payload.set("card", CardValidator.parseCard(data.asText()));
    return payload;
  }

  private ObjectNode batchPayload(RequestBody body) {
    String actions = body.requiredString("actions", 1, 1_000_000);
    ObjectNode payload = Json.object();
    payload.set("actions", CardOperations.normalizeActions(parseJson(actions, "actions")));
    return payload;
  }

  private ObjectNode addPayload(RequestBody body) {
    String type = body.requiredString("type", 1, 20);
    if (!INSERT_TYPES.contains(type)) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "type must be insert_before, insert_after or append, got " + type);
    }
    String target = body.optionalString("target_element_id", 0, 64);
    String elements = body.requiredString("elements", 1, 1_000_000);
    ObjectNode payload = Json.object().put("type", type);
    if (target != null && !target.isEmpty()) {
      payload.put("target_element_id", target);
    } else if (!"append".equals(type)) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, "target_element_id is required for " + type);
    }
    payload.set(
        "elements", CardOperations.elementArray(parseJson(elements, "elements"), "elements"));
    return payload;
  }

  private ObjectNode updatePayload(RoutingContext ctx, RequestBody body) {
    String element = body.requiredString("element", 1, 1_000_000);
    ObjectNode payload = Json.object().put("element_id", ctx.pathParam("element_id"));
    payload.set("element", CardOperations.requireObject(parseJson(element, "element"), "element"));
    return payload;
  }

  private ObjectNode patchPayload(RoutingContext ctx, RequestBody body) {
    String partial = body.requiredString("partial_element", 1, 1_000_000);
    ObjectNode payload = Json.object().put("element_id", ctx.pathParam("element_id"));
    payload.set(
        "partial_element",
        CardOperations.requireObject(parseJson(partial, "partial_element"), "partial_element"));
    return payload;
  }

  private ObjectNode contentPayload(RoutingContext ctx, RequestBody body) {
    // Empty text is accepted (the official Java sample sends ""); the upper bound is the engine's.
    String content = body.requiredString("content", 0, Integer.MAX_VALUE);
    return Json.object().put("element_id", ctx.pathParam("element_id")).put("content", content);
  }

  private ObjectNode deletePayload(RoutingContext ctx) {
    ObjectNode payload = Json.object();
    payload.putArray("element_ids").add(ctx.pathParam("element_id"));
    return payload;
  }

  private static JsonNode parseJson(String text, String field) {
    JsonNode parsed = Json.parseOrNull(text);
    if (parsed == null) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, field + " is not valid JSON");
    }
    StrictText.requireUnicode(parsed, field);
    return parsed;
  }
}
