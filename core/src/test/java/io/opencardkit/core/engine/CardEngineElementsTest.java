package io.opencardkit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.ElementTree;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class CardEngineElementsTest {
  private final Cards.TestClock clock = new Cards.TestClock();
  private final CardEngine engine = new CardEngine(clock, CardLimits.feishu());
  private final CardState state = Cards.created(engine, Cards.streamingCard());

  private List<String> bodyIds() {
    List<String> ids = new ArrayList<>();
    state.card().path("body").path("elements").forEach(e -> ids.add(e.path("element_id").asText()));
    return ids;
  }

  @Test
  void addElements_insertBeforeAndAfter_placeAroundTheTarget() {
    engine.execute(
        state,
        Cards.of(
            Mutation.Kind.ADD_ELEMENTS,
            1,
            "{\"type\":\"insert_before\",\"target_element_id\":\"btn\",\"elements\":[{\"tag\":\"hr\",\"element_id\":\"hr1\"}]}"));
    engine.execute(
        state,
        Cards.of(
            Mutation.Kind.ADD_ELEMENTS,
            2,
            "{\"type\":\"insert_after\",\"target_element_id\":\"md\",\"elements\":[{\"tag\":\"markdown\",\"content\":\"x\",\"element_id\":\"md2\"}]}"));
    assertThat(bodyIds()).containsExactly("md", "md2", "cols", "hr1", "btn");
  }

  @Test
  void addElements_appendWithoutTarget_goesToTheEndOfTheBody() {
    engine.execute(
        state,
        Cards.of(
            Mutation.Kind.ADD_ELEMENTS,
            1,
            "{\"type\":\"append\",\"elements\":[{\"tag\":\"hr\",\"element_id\":\"last\"}]}"));
    assertThat(bodyIds()).last().isEqualTo("last");
  }

  @Test
  void addElements_appendIntoAContainer_addsAChild() {
    engine.execute(
        state,
        Cards.of(
            Mutation.Kind.ADD_ELEMENTS,
            1,
            "{\"type\":\"append\",\"target_element_id\":\"col\",\"elements\":[{\"tag\":\"markdown\",\"content\":\"y\",\"element_id\":\"inner2\"}]}"));
    JsonNode column = ElementTree.find(state.card(), "col");
    assertThat(column.get("elements")).hasSize(2);
    assertThat(column.get("elements").get(1).get("element_id").asText()).isEqualTo("inner2");
  }

  @Test
  void addElements_appendIntoNonContainer_isRefusedWith300315() {
    Outcome outcome =
        engine.execute(
            state,
            Cards.of(
                Mutation.Kind.ADD_ELEMENTS,
                1,
                "{\"type\":\"append\",\"target_element_id\":\"btn\",\"elements\":[{\"tag\":\"hr\",\"element_id\":\"h\"}]}"));
    assertThat(outcome.refusal().code()).isEqualTo(ErrorCode.ADD_ELEMENT_FAILED);
  }

  @Test
  void addElements_duplicateId_isRefusedWith300301AndChangesNothing() {
    String before = Json.write(state.card());
    Outcome outcome =
        engine.execute(
            state,
            Cards.of(
                Mutation.Kind.ADD_ELEMENTS,
                1,
                "{\"type\":\"append\",\"elements\":[{\"tag\":\"hr\",\"element_id\":\"md\"}]}"));
    assertThat(outcome.refusal().code()).isEqualTo(ErrorCode.DUPLICATE_ELEMENT_ID);
    assertThat(Json.write(state.card())).isEqualTo(before);
  }

  @Test
  void updateElement_replacesTheElementAndMayChangeItsTag() {
    engine.execute(
        state,
        Cards.of(
            Mutation.Kind.UPDATE_ELEMENT,
            1,
            "{\"element_id\":\"btn\",\"element\":{\"tag\":\"markdown\",\"content\":\"now text\"}}"));
    JsonNode replaced = ElementTree.find(state.card(), "btn");
    assertThat(replaced.get("tag").asText())
        .isEqualTo("markdown"); // the element keeps its id when the new one has none
  }

  @Test
  void patchElement_renamesAndMerges_butRefusesATagChange() {
    engine.execute(
        state,
        Cards.of(
            Mutation.Kind.PATCH_ELEMENT,
            1,
            "{\"element_id\":\"inner\",\"partial_element\":{\"content\":\"patched\",\"element_id\":\"renamed\"}}"));
    assertThat(ElementTree.find(state.card(), "inner")).isNull();
    assertThat(ElementTree.find(state.card(), "renamed").get("content").asText())
        .isEqualTo("patched");

    Outcome tagChange =
        engine.execute(
            state,
            Cards.of(
                Mutation.Kind.PATCH_ELEMENT,
                2,
                "{\"element_id\":\"renamed\",\"partial_element\":{\"tag\":\"button\"}}"));
    assertThat(tagChange.refusal().code()).isEqualTo(ErrorCode.TAG_CHANGE);
  }

  @Test
  void deleteElements_aContainer_removesItsChildrenToo() {
    engine.execute(
        state, Cards.of(Mutation.Kind.DELETE_ELEMENTS, 1, "{\"element_ids\":[\"cols\"]}"));
    assertThat(ElementTree.find(state.card(), "inner")).isNull();
    assertThat(bodyIds()).containsExactly("md", "btn");
  }

  @Test
  void deleteElements_unknownId_isRefusedWith300314() {
    assertThat(
            engine
                .execute(
                    state,
                    Cards.of(Mutation.Kind.DELETE_ELEMENTS, 1, "{\"element_ids\":[\"ghost\"]}"))
                .refusal()
                .code())
        .isEqualTo(ErrorCode.DELETE_ELEMENT_FAILED);
  }

  @Test
  void batch_allFiveActions_applyTogether() {
    String actions =
        "[{\"action\":\"partial_update_setting\",\"params\":{\"settings\":{\"config\":{\"streaming_mode\":false}}}},"
            + "{\"action\":\"add_elements\",\"params\":{\"type\":\"insert_before\",\"target_element_id\":\"md\",\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"first\",\"content\":\"hi\"}]}},"
            + "{\"action\":\"delete_elements\",\"params\":{\"element_ids\":[\"cols\"]}},"
            + "{\"action\":\"partial_update_element\",\"params\":{\"element_id\":\"md\",\"partial_element\":{\"content\":\"patched\"}}},"
            + "{\"action\":\"update_element\",\"params\":{\"element_id\":\"btn\",\"element\":{\"tag\":\"button\",\"text\":{\"tag\":\"plain_text\",\"content\":\"有帮助\"}}}}]";
    Mutation batch =
        new Mutation(Mutation.Kind.BATCH, Cards.APP, 1, null, "fp", batchPayload(actions));

    assertThat(engine.execute(state, batch).accepted()).isTrue();
    assertThat(state.streamingMode()).isFalse();
    assertThat(bodyIds()).containsExactly("first", "md", "btn");
    assertThat(Cards.text(state, "md")).isEqualTo("patched");
  }

  @Test
  void batch_withOneFailingAction_changesNothing() {
    String before = Json.write(state.card());
    String actions =
        "[{\"action\":\"partial_update_element\",\"params\":{\"element_id\":\"md\",\"partial_element\":{\"content\":\"changed\"}}},"
            + "{\"action\":\"delete_elements\",\"params\":{\"element_ids\":[\"ghost\"]}}]";
    Outcome outcome =
        engine.execute(
            state,
            new Mutation(Mutation.Kind.BATCH, Cards.APP, 1, null, "fp", batchPayload(actions)));

    assertThat(outcome.refusal().code()).isEqualTo(ErrorCode.DELETE_ELEMENT_FAILED);
    assertThat(Json.write(state.card())).isEqualTo(before);
    assertThat(state.lastSequence()).isZero();
  }

  @Test
  void batch_legacyForms_areAccepted() {
    // Older SDK docs: settings directly in params, "id" for the element, nested values as JSON
    // strings.
    String actions =
        "[{\"action\":\"partial_update_setting\",\"params\":{\"config\":{\"summary\":{\"content\":\"s\"}}}},"
            + "{\"action\":\"partial_update_element\",\"params\":{\"id\":\"md\",\"partial_element\":\"{\\\"content\\\":\\\"j\\\"}\"}}]";
    assertThat(
            engine
                .execute(
                    state,
                    new Mutation(
                        Mutation.Kind.BATCH, Cards.APP, 1, null, "fp", batchPayload(actions)))
                .accepted())
        .isTrue();
    assertThat(Cards.text(state, "md")).isEqualTo("j");
    assertThat(state.card().at("/config/summary/content").asText()).isEqualTo("s");
  }

  @Test
  void replace_takesTheNewCardsConfigAsAuthoritative() {
    Mutation replace =
        new Mutation(
            Mutation.Kind.REPLACE,
            Cards.APP,
            1,
            null,
            "fp",
            Json.object().set("card", Cards.staticCard()));
    assertThat(engine.execute(state, replace).accepted()).isTrue();
    assertThat(state.streamingMode()).isFalse();
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode batchPayload(String actions) {
    com.fasterxml.jackson.databind.node.ObjectNode payload = Json.object();
    payload.set("actions", CardOperations.normalizeActions(Json.parseOrNull(actions)));
    return payload;
  }
}
