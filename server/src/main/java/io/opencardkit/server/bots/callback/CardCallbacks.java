package io.opencardkit.server.bots.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.store.MessageRecord;
import io.opencardkit.server.bots.BotDispatcher;
import io.opencardkit.server.bots.BotReply;
import io.opencardkit.server.bots.DeliveryFailure;
import io.opencardkit.server.bots.EventPayloads;
import io.opencardkit.server.bots.RandomIds;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.cards.CardRuntime.CardHandle;
import io.opencardkit.server.directory.App;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.templates.TemplateLibrary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Card callbacks: a user's click, choice, input or form submit becomes {@code card.action.trigger}
 * (or the legacy {@code card.action.trigger_v1}) for the bot that sent the card, within Feishu's
 * 3-second deadline, and the bot's answer takes effect: its toast is shown to that user, its card
 * replaces the message's card.
 *
 * <p>Implementation notes: a card entity is locked for the interaction ({@link
 * CardRuntime#lockInteraction}) before the callback leaves, so CardKit calls meanwhile answer
 * 200810; the lock ends when the answer's card is applied, or when the interaction ends in any
 * other way (no card, a refused card, no answer in time). A card entity that is streaming keeps its
 * content: the bot's card is refused as on Feishu, its toast is still shown, and a warning tells
 * the user why nothing changed. An inline card (sent as card JSON) is replaced like an IM PATCH by
 * its bot.
 */
public final class CardCallbacks implements CardActions {
  private static final Logger LOG = LoggerFactory.getLogger(CardCallbacks.class);

  private final Clock clock;
  private final Supplier<Directory> directory;
  private final CardRuntime runtime;
  private final MessageService messages;
  private final BotDispatcher dispatcher;
  private final TemplateLibrary templates;
  private volatile DelayedCardUpdates
      delayedUpdates; // null: callback tokens are not usable for delayed updates

  public CardCallbacks(
      Clock clock,
      Supplier<Directory> directory,
      CardRuntime runtime,
      MessageService messages,
      BotDispatcher dispatcher,
      TemplateLibrary templates) {
    this.clock = clock;
    this.directory = directory;
    this.runtime = runtime;
    this.messages = messages;
    this.dispatcher = dispatcher;
    this.templates = templates;
  }

  /**
   * Makes the tokens of answered callbacks usable for the delayed update ({@code
   * interactive/v1/card/update}).
   */
  public CardCallbacks withDelayedUpdates(DelayedCardUpdates updates) {
    this.delayedUpdates = updates;
    return this;
  }

  @Override
  public CompletableFuture<Outcome> deliver(
      MessageRecord message, String openId, ObjectNode posted) {
    // current: the bot is shown the card (and its form values) as the user saw it, not an older
    // copy of this node's
    CardHandle handle =
        message.cardId() == null
            ? null
            : runtime.findCurrentBlocking(message.cardId()).orElse(null);
    String appId;
    ObjectNode card;
    if (handle != null) {
      synchronized (handle) {
        appId = handle.state().appId();
        card = handle.state().card().deepCopy();
      }
    } else {
      appId = "app".equals(message.senderType()) ? message.senderId() : null;
      JsonNode content = Json.parseOrNull(message.content());
      card = content instanceof ObjectNode ? (ObjectNode) content : null;
    }
    App app = appId == null ? null : directory.get().app(appId).orElse(null);
    if (app == null) {
      return failed(
          Toast.error(DeliveryFailure.Reason.NO_ENDPOINT.clientCode(), "No bot answers this card"));
    }
    if (!dispatcher.reachesCallbacks(app)) {
      return failed(
          Toast.error(
              DeliveryFailure.Reason.NO_ENDPOINT.clientCode(),
              app.name() + " has no callback address"));
    }
    ObjectNode action = CallbackActions.of(posted, card);
    String updateToken = "c-" + RandomIds.hex(16);
    long issuedAt = clock.millis();
    DelayedCardUpdates updates = delayedUpdates;
    if (updates != null) {
      updates.issued(updateToken);
    }
    ObjectNode payload =
        app.legacyCardCallback()
            ? EventPayloads.cardActionV1(
                openId, updateToken, action, message.messageId(), message.chatId())
            : EventPayloads.cardAction(
                app,
                BotDispatcher.newEventId(),
                clock.millis(),
                openId,
                updateToken,
                action,
                message.messageId(),
                message.chatId());
    // The lock is durable before the callback leaves, so a CardKit call reaching any node meanwhile
    // hears 200810.
    CompletableFuture<Void> locked =
        handle == null
            ? CompletableFuture.completedFuture(null)
            : runtime.lockInteraction(handle, clock.millis() + BotDispatcher.DEADLINE.toMillis());
    return locked
        .thenCompose(v -> dispatcher.deliverCallback(app, payload))
        .handle((reply, failure) -> answered(app, message, handle, reply, failure))
        .thenCompose(f -> f)
        .whenComplete(
            (applied, failure) -> {
              if (handle != null && (applied == null || !applied.appliedCard())) {
                runtime.unlockInteraction(handle);
              }
            })
        .thenApply(Applied::outcome)
        .exceptionally(
            failure -> {
              LOG.error("card callback of app_id={} failed unexpectedly", app.appId(), failure);
              return new Outcome(
                  false,
                  List.of(Toast.error(300000, "Internal error while delivering the interaction")));
            })
        .thenCompose(
            outcome ->
                updates == null
                    ? CompletableFuture.completedFuture(outcome)
                    : updates
                        .settled(
                            updateToken,
                            issuedAt,
                            outcome.delivered(),
                            app.appId(),
                            message.messageId())
                        .handle((v, f) -> outcome));
  }

  /** An outcome and whether a card was applied (which already ended the interaction's lock). */
  private record Applied(Outcome outcome, boolean appliedCard) {}

  private CompletableFuture<Applied> answered(
      App app, MessageRecord message, CardHandle handle, BotReply reply, Throwable failure) {
    try {
      if (failure != null) {
        DeliveryFailure f = DeliveryFailure.of(failure);
        LOG.info(
            "card callback failed app_id={} message_id={}: {}",
            app.appId(),
            message.messageId(),
            f.getMessage());
        return done(
            false, false, Toast.error(f.reason().clientCode(), failureText(app, f.reason())));
      }
      if (!reply.ok()) {
        return done(
            false,
            false,
            Toast.error(
                200671, app.name() + " answered the interaction with HTTP " + reply.status()));
      }
      CallbackResponse response;
      try {
        response = CallbackResponse.parse(reply.body(), app.legacyCardCallback());
      } catch (CallbackResponse.Malformed e) {
        return done(
            false,
            false,
            Toast.error(200672, app.name() + "'s answer could not be read: " + e.getMessage()));
      }
      List<Toast> toasts = new ArrayList<>(2);
      if (response.toast() != null) {
        toasts.add(response.toast());
      }
      ObjectNode card = response.card();
      if (response.template() != null) {
        try {
          card =
              templates.render(
                  response.template()); // a template answer replaces the card with what it renders
        } catch (ApiException e) {
          toasts.add(refusedCard(e));
        }
      }
      if (card == null) {
        return CompletableFuture.completedFuture(new Applied(new Outcome(true, toasts), false));
      }
      return handle != null
          ? applyToEntity(app, handle, card, toasts)
          : applyInline(app, message, card, toasts);
    } catch (RuntimeException e) {
      LOG.error("card callback answer of app_id={} failed unexpectedly", app.appId(), e);
      return done(
          false, false, Toast.error(300000, "Internal error while applying the bot's answer"));
    }
  }

  private CompletableFuture<Applied> applyToEntity(
      App app, CardHandle handle, ObjectNode card, List<Toast> toasts) {
    boolean streaming;
    synchronized (handle) {
      streaming =
          handle
              .state()
              .isStreaming(clock.millis(), runtime.engine().limits().streamingTimeout().toMillis());
    }
    if (streaming) {
      toasts.add(
          new Toast(
              "warning",
              "The card is still streaming, so " + app.name() + "'s card update was not applied"));
      return CompletableFuture.completedFuture(new Applied(new Outcome(true, toasts), false));
    }
    return runtime
        .applyCallbackCard(handle, app.appId(), card)
        .handle(
            (v, failure) -> {
              Throwable cause =
                  failure instanceof java.util.concurrent.CompletionException
                          && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof ApiException) {
                toasts.add(
                    refusedCard((ApiException) cause)); // the refusal ended the interaction too
              } else if (cause != null) {
                toasts.add(Toast.error(300000, "The card could not be saved; try again"));
              }
              return new Applied(new Outcome(true, toasts), true);
            });
  }

  private CompletableFuture<Applied> applyInline(
      App app, MessageRecord message, ObjectNode card, List<Toast> toasts) {
    try {
      return messages
          .patch(app.appId(), message.messageId(), Json.write(card))
          .handle(
              (v, failure) -> {
                if (failure != null) {
                  Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                  toasts.add(
                      cause instanceof ApiException
                          ? refusedCard((ApiException) cause)
                          : Toast.error(300000, "The card could not be saved; try again"));
                }
                return new Applied(new Outcome(true, toasts), false);
              });
    } catch (ApiException e) {
      toasts.add(refusedCard(e));
      return CompletableFuture.completedFuture(new Applied(new Outcome(true, toasts), false));
    }
  }

  private static Toast refusedCard(ApiException e) {
    if (e.code() == ErrorCode.SCHEMA_NOT_2) {
      return Toast.error(200830, "A JSON 2.0 card cannot be updated to a JSON 1.0 card");
    }
    return Toast.error(200673, "The bot's card was refused: " + e.getMessage());
  }

  private static String failureText(App app, DeliveryFailure.Reason reason) {
    switch (reason) {
      case TIMEOUT:
        return app.name() + " did not answer within 3 seconds";
      case NO_ENDPOINT:
        return app.name() + " has no working callback address";
      default:
        return app.name() + " could not be reached";
    }
  }

  private static CompletableFuture<Outcome> failed(Toast toast) {
    return CompletableFuture.completedFuture(new Outcome(false, List.of(toast)));
  }

  private static CompletableFuture<Applied> done(
      boolean delivered, boolean appliedCard, Toast toast) {
    return CompletableFuture.completedFuture(
        new Applied(new Outcome(delivered, List.of(toast)), appliedCard));
  }
}
