package io.opencardkit.server.bots.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.Json;
import org.junit.jupiter.api.Test;

final class CallbackActionsTest {
  private static final ObjectNode CARD =
      (ObjectNode)
          Json.parseOrNull(
              "{\"schema\":\"2.0\",\"body\":{\"elements\":["
                  + "{\"tag\":\"button\",\"element_id\":\"ok\",\"text\":{\"tag\":\"plain_text\",\"content\":\"OK\"},"
                  + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"answer\":\"yes\"}}]},"
                  + "{\"tag\":\"button\",\"element_id\":\"old\",\"value\":{\"legacy\":true}}]}}");

  private static ObjectNode posted(String json) {
    return (ObjectNode) Json.parseOrNull(json);
  }

  @Test
  void of_buttonWithCallbackBehavior_takesTheValueFromTheCard() {
    ObjectNode action =
        CallbackActions.of(
            posted("{\"tag\":\"button\",\"element_id\":\"ok\",\"value\":{\"answer\":\"forged\"}}"),
            CARD);

    // The bot receives what it put into the card, whatever the page claims.
    assertThat(Json.write(action.get("value"))).isEqualTo("{\"answer\":\"yes\"}");
    assertThat(action.get("tag").asText()).isEqualTo("button");
  }

  @Test
  void of_legacyValueProperty_isUsed() {
    assertThat(
            CallbackActions.of(posted("{\"tag\":\"button\",\"element_id\":\"old\"}"), CARD)
                .get("value")
                .get("legacy")
                .asBoolean())
        .isTrue();
  }

  @Test
  void of_unknownElement_keepsThePagesFieldsAndUserInput() {
    ObjectNode action =
        CallbackActions.of(
            posted(
                "{\"tag\":\"select_static\",\"element_id\":\"gone\",\"value\":{\"v\":1},\"option\":\"b\",\"form_value\":{\"f\":\"x\"},\"checked\":true}"),
            CARD);

    assertThat(Json.write(action))
        .isEqualTo(
            "{\"value\":{\"v\":1},\"tag\":\"select_static\",\"option\":\"b\",\"form_value\":{\"f\":\"x\"},\"checked\":true}");
  }

  @Test
  void of_noValueAnywhere_sendsAnEmptyObject() {
    // The SDKs model value as a map; an absent value arrives as {} rather than null.
    assertThat(
            CallbackActions.of(posted("{\"tag\":\"overflow\",\"option\":\"a\"}"), null)
                .get("value")
                .isObject())
        .isTrue();
  }
}
