package io.opencardkit.server.directory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A person of the directory.
 *
 * @param openId {@code ou_…}
 * @param name display name
 * @param token sign-in token for the web chat's {@code token} mode, or {@code null}
 * @param email e-mail address, by which OpenID Connect sign-in finds the user; or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record User(
    @JsonProperty("open_id") String openId,
    @JsonProperty("name") String name,
    @JsonProperty("token") String token,
    @JsonProperty("email") String email) {

  /** A user without an e-mail address. */
  public User(String openId, String name, String token) {
    this(openId, name, token, null);
  }

  @Override
  public String toString() {
    return "User[openId=" + openId + ", name=" + name + "]";
  }
}
