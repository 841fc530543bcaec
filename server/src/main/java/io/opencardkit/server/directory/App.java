package io.opencardkit.server.directory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencardkit.core.Fingerprints;

/**
 * A bot application of the directory.
 *
 * @param appId {@code cli_…}
 * @param appSecret the secret the bot exchanges for tokens; never logged
 * @param name display name of the bot
 * @param callbackUrl where card callbacks go, or {@code null}
 * @param eventUrl where message events go, or {@code null}
 * @param verificationToken Feishu's verification token, or {@code null}
 * @param encryptKey key for encrypted event bodies, or {@code null}
 * @param receiveAllGroupMessages whether the bot hears every message of its group chats, not only
 *     those that mention it ({@code null} means no)
 * @param cardCallback which card callback the app subscribed to: {@value #CARD_ACTION_TRIGGER} (the
 *     default, also for {@code null}) or the legacy {@value #CARD_ACTION_TRIGGER_V1}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record App(
    @JsonProperty("app_id") String appId,
    @JsonProperty("app_secret") String appSecret,
    @JsonProperty("name") String name,
    @JsonProperty("callback_url") String callbackUrl,
    @JsonProperty("event_url") String eventUrl,
    @JsonProperty("verification_token") String verificationToken,
    @JsonProperty("encrypt_key") String encryptKey,
    @JsonProperty("receive_all_group_messages") Boolean receiveAllGroupMessages,
    @JsonProperty("card_callback") String cardCallback) {
  /**
   * The card callback of Feishu's current card JSON 2.0 generation (schema 2.0 body, event-style
   * security).
   */
  public static final String CARD_ACTION_TRIGGER = "card.action.trigger";

  /**
   * The legacy card callback: flat body, SHA-1 signature over the verification token, never
   * encrypted.
   */
  public static final String CARD_ACTION_TRIGGER_V1 = "card.action.trigger_v1";

  /** An app with the defaults for the optional delivery settings. */
  public App(
      String appId,
      String appSecret,
      String name,
      String callbackUrl,
      String eventUrl,
      String verificationToken,
      String encryptKey) {
    this(appId, appSecret, name, callbackUrl, eventUrl, verificationToken, encryptKey, null, null);
  }

  /** Whether group messages that do not mention the bot reach it too. */
  public boolean hearsAllGroupMessages() {
    return Boolean.TRUE.equals(receiveAllGroupMessages);
  }

  /**
   * Whether the app subscribed to the legacy {@value #CARD_ACTION_TRIGGER_V1} instead of the
   * current callback.
   */
  public boolean legacyCardCallback() {
    return CARD_ACTION_TRIGGER_V1.equals(cardCallback);
  }

  /** The bot's own open id, derived from its app id so that it is stable across restarts. */
  public String botOpenId() {
    return "ou_" + Fingerprints.of("bot", appId);
  }

  @Override
  public String toString() {
    return "App[appId=" + appId + ", name=" + name + "]"; // never print the secret
  }
}
