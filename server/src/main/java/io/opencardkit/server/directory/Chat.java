package io.opencardkit.server.directory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A chat: a group from the seed, or the implicit p2p chat of a bot and a user.
 *
 * @param chatId {@code oc_…}
 * @param name display name
 * @param members open ids of users and app ids of bots
 * @param type {@code group} or {@code p2p}
 */
public record Chat(
    @JsonProperty("chat_id") String chatId,
    @JsonProperty("name") String name,
    @JsonProperty("members") List<String> members,
    @JsonProperty("type") String type) {
  public Chat {
    members = List.copyOf(members);
    type = type == null ? "group" : type;
  }

  @JsonIgnore // derived from type; as a stored field it made the persisted directory unreadable
  public boolean isP2p() {
    return "p2p".equals(type);
  }
}
