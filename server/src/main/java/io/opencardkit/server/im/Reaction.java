package io.opencardkit.server.im;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;

/**
 * One emoji reaction on a message.
 *
 * @param reactionId the id a bot deletes it with
 * @param emojiType Feishu's emoji key ({@code THUMBSUP}, {@code Typing}, …)
 * @param operatorId the app id of a bot, or the open id of a user
 * @param operatorType {@code app} or {@code user}
 * @param actionTimeMillis when it was added
 */
public record Reaction(
    @JsonProperty("reaction_id") String reactionId,
    @JsonProperty("emoji_type") String emojiType,
    @JsonProperty("operator_id") String operatorId,
    @JsonProperty("operator_type") String operatorType,
    @JsonProperty("action_time") long actionTimeMillis) {

  /**
   * The IM API's shape: {@code {reaction_id, operator:{operator_id, operator_type}, action_time,
   * reaction_type}}.
   */
  ObjectNode toApi() {
    ObjectNode node = Json.object().put("reaction_id", reactionId);
    node.putObject("operator").put("operator_id", operatorId).put("operator_type", operatorType);
    node.put("action_time", Long.toString(actionTimeMillis));
    node.putObject("reaction_type").put("emoji_type", emojiType);
    return node;
  }
}
