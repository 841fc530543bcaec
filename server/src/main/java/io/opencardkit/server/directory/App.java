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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record App(
    @JsonProperty("app_id") String appId,
    @JsonProperty("app_secret") String appSecret,
    @JsonProperty("name") String name,
    @JsonProperty("callback_url") String callbackUrl,
    @JsonProperty("event_url") String eventUrl,
    @JsonProperty("verification_token") String verificationToken,
    @JsonProperty("encrypt_key") String encryptKey) {

  /** The bot's own open id, derived from its app id so that it is stable across restarts. */
  public String botOpenId() {
    return "ou_" + Fingerprints.of("bot", appId);
  }

  @Override
  public String toString() {
    return "App[appId=" + appId + ", name=" + name + "]"; // never print the secret
  }
}
