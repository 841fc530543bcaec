package io.opencardkit.core.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import java.util.Collections;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

final class CardValidatorTest {

  /** The streaming card of the brief (CardKit streaming guide, empty first content). */
  private static final String OFFICIAL_STREAMING_CARD =
      """
      {"schema":"2.0","config":{"streaming_mode":true,"summary":{"content":""},
       "streaming_config":{"print_frequency_ms":{"default":70,"android":70,"ios":70,"pc":70},
       "print_step":{"default":1,"android":1,"ios":1,"pc":1},"print_strategy":"fast"}},
       "body":{"elements":[{"tag":"markdown","content":"","element_id":"markdown_1"}]}}
      """;

  /** Fixture C.1 of card-json-v2.md (streaming guide, with a header and content). */
  private static final String OFFICIAL_STREAMING_CARD_WITH_HEADER =
      """
      {"schema":"2.0","header":{"title":{"content":"卡片标题","tag":"plain_text"}},
       "config":{"streaming_mode":true,"summary":{"content":""},
       "streaming_config":{"print_frequency_ms":{"default":70,"android":70,"ios":70,"pc":70},
       "print_step":{"default":1,"android":1,"ios":1,"pc":1},"print_strategy":"fast"}},
       "body":{"elements":[{"tag":"markdown","content":"卡片内容","element_id":"markdown_1"}]}}
      """;

  private static final String MARKDOWN = "{\"tag\":\"markdown\",\"content\":\"hi\"}";

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  private static ObjectNode json(String text) {
    return (ObjectNode) Json.parseOrNull(text);
  }

  /** A 2.0 card whose body holds the given comma-separated components. */
  private static ObjectNode cardWith(String... components) {
    return json(
        "{\"schema\":\"2.0\",\"body\":{\"elements\":[" + String.join(",", components) + "]}}");
  }

  /** A 2.0 card with the given config object and one markdown. */
  private static ObjectNode cardWithConfig(String config) {
    return json(
        "{\"schema\":\"2.0\",\"config\":"
            + config
            + ",\"body\":{\"elements\":["
            + MARKDOWN
            + "]}}");
  }

  private static String container(String tag, String... children) {
    String extra = tag.equals("form") ? ",\"name\":\"f\"" : "";
    return "{\"tag\":\""
        + tag
        + "\""
        + extra
        + ",\"elements\":["
        + String.join(",", children)
        + "]}";
  }

  private static String columnSet(String... columnChildren) {
    return "{\"tag\":\"column_set\",\"columns\":[" + container("column", columnChildren) + "]}";
  }

  private static String markdowns(int n) {
    return IntStream.range(0, n).mapToObj(i -> MARKDOWN).collect(Collectors.joining(","));
  }

  private static void assertValid(ObjectNode card) {
    assertThatCode(() -> CardValidator.validate(card)).doesNotThrowAnyException();
  }

  private static ApiException refusal(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ApiException.class);
    return (ApiException) thrown;
  }

  private static ApiException assertRefused(ObjectNode card, ErrorCode expected) {
    ApiException e = refusal(() -> CardValidator.validate(card));
    assertThat(e.code()).as(e.getMessage()).isEqualTo(expected);
    return e;
  }

  private static ApiException assertComponentRefused(String component, ErrorCode expected) {
    ApiException e = refusal(() -> CardValidator.validateComponent(Json.parseOrNull(component)));
    assertThat(e.code()).as(e.getMessage()).isEqualTo(expected);
    return e;
  }

  private static void assertComponentValid(String component) {
    assertThatCode(() -> CardValidator.validateComponent(Json.parseOrNull(component)))
        .doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Parse card

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "\n\t"})
  void parseCard_nullOrBlank_refusedAsEmptyDsl(String data) {
    assertThat(refusal(() -> CardValidator.parseCard(data)).code()).isEqualTo(ErrorCode.EMPTY_DSL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "not json", "{\"schema\":}", "{} trailing", "{}{}"})
  void parseCard_notJson_refusedAsContentFailed(String data) {
    assertThat(refusal(() -> CardValidator.parseCard(data)).code())
        .isEqualTo(ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "42", "\"card\"", "null", "true"})
  void parseCard_jsonButNotObject_refusedAsContentFailed(String data) {
    assertThat(refusal(() -> CardValidator.parseCard(data)).code())
        .isEqualTo(ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void parseCard_object_returnsTheTree() {
    ObjectNode card = CardValidator.parseCard(" " + OFFICIAL_STREAMING_CARD + "\n");

    assertThat(card.path("body").path("elements").path(0).path("element_id").asText())
        .isEqualTo("markdown_1");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Top level

  @Test
  void validate_officialStreamingExamples_accepted() {
    assertValid(CardValidator.parseCard(OFFICIAL_STREAMING_CARD));
    assertValid(CardValidator.parseCard(OFFICIAL_STREAMING_CARD_WITH_HEADER));
  }

  @Test
  void validate_schemaOnly_accepted() {
    assertValid(json("{\"schema\":\"2.0\"}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"schema\":\"1.0\"}",
        "{\"schema\":2.0}",
        "{\"schema\":\"2\"}",
        "{\"schema\":null}"
      })
  void validate_schemaNot2_refusedAsSchemaNot2(String card) {
    assertRefused(json(card), ErrorCode.SCHEMA_NOT_2);
  }

  @Test
  void validate_schemaAndTagBothWrong_schemaReportedFirst() {
    assertRefused(
        json("{\"schema\":\"1.0\",\"body\":{\"elements\":[{\"tag\":\"foo\"}]}}"),
        ErrorCode.SCHEMA_NOT_2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"elements", "i18n_elements", "fallback"})
  void validate_removedTopLevelKey_refusedAsContentFailed(String key) {
    ObjectNode card = json("{\"schema\":\"2.0\"}");
    card.putArray(key);

    assertThat(assertRefused(card, ErrorCode.CARD_CONTENT_FAILED).getMessage()).contains(key);
  }

  @Test
  void validate_unknownTopLevelAndConfigKeys_tolerated() {
    assertValid(
        json(
            """
            {"schema":"2.0","card_link":{"url":"https://example.com"},"bot_extra":{"x":1},
             "config":{"wide_screen_mode":true,"enable_forward":true,"locales":["en_us"]},
             "body":{"elements":[{"tag":"markdown","content":"x","unknown_property":1}]}}
            """));
  }

  @Test
  void validate_nullOptionalFields_treatedAsAbsent() {
    assertValid(
        json("{\"schema\":\"2.0\",\"config\":null,\"header\":null,\"body\":{\"elements\":null}}"));
    assertValid(cardWith("{\"tag\":\"markdown\",\"content\":null,\"element_id\":null}"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Config

  @Test
  void validate_updateMultiTrue_accepted() {
    assertValid(cardWithConfig("{\"update_multi\":true}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "\"true\"", "1"})
  void validate_updateMultiNotTrue_refusedAsUpdateMultiFalse(String value) {
    assertRefused(cardWithConfig("{\"update_multi\":" + value + "}"), ErrorCode.UPDATE_MULTI_FALSE);
  }

  @Test
  void validate_configNotObject_refusedAsContentFailed() {
    assertRefused(cardWithConfig("[]"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_streamingModeNotBoolean_refusedAsContentFailed() {
    assertValid(cardWithConfig("{\"streaming_mode\":false}"));
    assertRefused(cardWithConfig("{\"streaming_mode\":\"true\"}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_printStrategy_onlyFastOrDelay() {
    assertValid(cardWithConfig("{\"streaming_config\":{\"print_strategy\":\"delay\"}}"));
    assertRefused(
        cardWithConfig("{\"streaming_config\":{\"print_strategy\":\"slow\"}}"),
        ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_streamingConfigNotObject_refusedAsContentFailed() {
    assertRefused(cardWithConfig("{\"streaming_config\":\"fast\"}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_perPlatformMapsWithValidValues_accepted() {
    assertValid(
        cardWithConfig(
            "{\"streaming_config\":{\"print_frequency_ms\":{\"default\":30,\"android\":25,\"ios\":40,\"pc\":50},"
                + "\"print_step\":{\"default\":2,\"android\":3,\"ios\":4,\"pc\":5}}}"));
    assertValid(cardWithConfig("{\"streaming_config\":{\"print_frequency_ms\":{\"pc\":0.5}}}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"print_frequency_ms\":{\"web\":70}}",
        "{\"print_frequency_ms\":{\"default\":\"70\"}}",
        "{\"print_frequency_ms\":{\"default\":0}}",
        "{\"print_frequency_ms\":{\"default\":-5}}",
        "{\"print_frequency_ms\":70}",
        "{\"print_step\":{\"default\":0}}",
        "{\"print_step\":{\"default\":0.5}}",
        "{\"print_step\":{\"mobile\":1}}",
        "{\"print_step\":[1]}"
      })
  void validate_badPerPlatformMap_refusedAsContentFailed(String streamingConfig) {
    assertRefused(
        cardWithConfig("{\"streaming_config\":" + streamingConfig + "}"),
        ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_summary_objectWithOptionalStringContent() {
    assertValid(cardWithConfig("{\"summary\":{}}"));
    assertValid(
        cardWithConfig("{\"summary\":{\"content\":\"生成中\",\"i18n_content\":{\"en_us\":\"x\"}}}"));
    assertRefused(cardWithConfig("{\"summary\":\"x\"}"), ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(cardWithConfig("{\"summary\":{\"content\":1}}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "compact", "fill"})
  void validate_knownWidthMode_accepted(String mode) {
    assertValid(cardWithConfig("{\"width_mode\":\"" + mode + "\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"wide\"", "\"FILL\"", "1"})
  void validate_unknownWidthMode_refusedAsContentFailed(String mode) {
    assertRefused(cardWithConfig("{\"width_mode\":" + mode + "}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Header and body

  @ParameterizedTest
  @ValueSource(
      strings = {
        "blue",
        "wathet",
        "turquoise",
        "green",
        "yellow",
        "orange",
        "red",
        "carmine",
        "violet",
        "purple",
        "indigo",
        "grey",
        "default"
      })
  void validate_knownHeaderTemplate_accepted(String template) {
    assertValid(json("{\"schema\":\"2.0\",\"header\":{\"template\":\"" + template + "\"}}"));
  }

  @Test
  void validate_unknownHeaderTemplate_refusedAsContentFailed() {
    ObjectNode card = json("{\"schema\":\"2.0\",\"header\":{\"template\":\"pink\"}}");

    ApiException e = assertRefused(card, ErrorCode.CARD_CONTENT_FAILED);

    assertThat(e.getMessage()).contains("header.template").contains("pink");
  }

  @Test
  void validate_headerNotObject_refusedAsContentFailed() {
    assertRefused(json("{\"schema\":\"2.0\",\"header\":\"title\"}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"schema\":\"2.0\",\"body\":[]}",
        "{\"schema\":\"2.0\",\"body\":{\"elements\":{}}}",
        "{\"schema\":\"2.0\",\"body\":{\"elements\":[\"markdown\"]}}",
        "{\"schema\":\"2.0\",\"body\":{\"elements\":[[]]}}"
      })
  void validate_malformedBody_refusedAsContentFailed(String card) {
    assertRefused(json(card), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_emptyBody_accepted() {
    assertValid(json("{\"schema\":\"2.0\",\"body\":{}}"));
    assertValid(cardWith());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tags

  @ParameterizedTest
  @ValueSource(
      strings = {
        "markdown",
        "div",
        "img",
        "img_combination",
        "hr",
        "person",
        "person_list",
        "chart",
        "table",
        "audio",
        "button",
        "input",
        "overflow",
        "select_static",
        "select_person",
        "date_picker",
        "picker_time",
        "picker_datetime",
        "select_img",
        "checker",
        "interactive_container",
        "collapsible_panel",
        "column_set"
      })
  void validate_knownComponentTagAtRoot_accepted(String tag) {
    assertValid(cardWith("{\"tag\":\"" + tag + "\"}"));
  }

  @Test
  void validate_unknownTag_refusedNamingPathAndTag() {
    ApiException e =
        assertRefused(
            cardWith(MARKDOWN, MARKDOWN, "{\"tag\":\"foo\"}"), ErrorCode.CARD_CONTENT_FAILED);

    assertThat(e.getMessage()).contains("body.elements[2].tag: unknown tag 'foo'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"note", "action"})
  void validate_removed1_0Tag_refusedAsContentFailed(String tag) {
    assertThat(
            assertRefused(cardWith("{\"tag\":\"" + tag + "\"}"), ErrorCode.CARD_CONTENT_FAILED)
                .getMessage())
        .contains("removed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain_text", "lark_md"})
  void validate_textElementAsComponent_refusedAsContentFailed(String tag) {
    assertRefused(
        cardWith("{\"tag\":\"" + tag + "\",\"content\":\"x\"}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_textElementInTextField_accepted() {
    assertValid(cardWith("{\"tag\":\"div\",\"text\":{\"tag\":\"lark_md\",\"content\":\"**x**\"}}"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{\"content\":\"x\"}", "{\"tag\":1}", "{\"tag\":\"\"}", "{\"tag\":\"MARKDOWN\"}"})
  void validate_missingOrMalformedTag_refusedAsContentFailed(String component) {
    assertRefused(cardWith(component), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_unknownTagDeepInContainer_refusedNamingPath() {
    ApiException e =
        assertRefused(
            cardWith(columnSet(MARKDOWN, "{\"tag\":\"bar\"}")), ErrorCode.CARD_CONTENT_FAILED);

    assertThat(e.getMessage())
        .contains("body.elements[0].columns[0].elements[1].tag: unknown tag 'bar'");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Component properties

  @ParameterizedTest
  @ValueSource(strings = {"{\"tag\":\"markdown\",\"content\":\"\"}", "{\"tag\":\"markdown\"}"})
  void validate_markdownWithEmptyOrMissingContent_accepted(String markdown) {
    assertValid(cardWith(markdown));
  }

  @Test
  void validate_markdownContentNotString_refusedAsContentFailed() {
    assertRefused(
        cardWith("{\"tag\":\"markdown\",\"content\":{\"text\":\"x\"}}"),
        ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_divWithEmptyText_accepted() {
    assertValid(cardWith("{\"tag\":\"div\",\"text\":{\"tag\":\"plain_text\",\"content\":\"\"}}"));
    assertValid(cardWith("{\"tag\":\"div\",\"text\":{\"tag\":\"plain_text\"}}"));
  }

  @Test
  void validate_divTextMalformed_refusedAsContentFailed() {
    assertRefused(cardWith("{\"tag\":\"div\",\"text\":\"x\"}"), ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(
        cardWith("{\"tag\":\"div\",\"text\":{\"content\":[]}}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"img_v2_abc\"", "\"\"", "\"https://example.com/x.png\"", "42", "{}"})
  void validate_anyImgKey_accepted(String imgKey) {
    assertValid(cardWith("{\"tag\":\"img\",\"img_key\":" + imgKey + "}"));
  }

  @Test
  void validate_formWithName_accepted() {
    assertValid(cardWith(container("form", "{\"tag\":\"input\",\"name\":\"i\"}")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"tag\":\"form\",\"elements\":[]}",
        "{\"tag\":\"form\",\"name\":\"\",\"elements\":[]}",
        "{\"tag\":\"form\",\"name\":7,\"elements\":[]}"
      })
  void validate_formWithoutName_refusedAsContentFailed(String form) {
    assertRefused(cardWith(form), ErrorCode.CARD_CONTENT_FAILED);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Nesting

  @ParameterizedTest
  @ValueSource(strings = {"form", "interactive_container", "collapsible_panel"})
  void validate_formInsideContainer_refusedAsContentFailed(String outer) {
    assertRefused(cardWith(container(outer, container("form"))), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_formInsideColumn_refusedAsContentFailed() {
    assertRefused(cardWith(columnSet(container("form"))), ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"form", "interactive_container", "collapsible_panel"})
  void validate_tableInsideContainer_refusedAsContentFailed(String outer) {
    assertRefused(cardWith(container(outer, "{\"tag\":\"table\"}")), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_tableInsideColumn_refusedAsContentFailed() {
    assertRefused(cardWith(columnSet("{\"tag\":\"table\"}")), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_formAndTableAtRoot_accepted() {
    assertValid(
        cardWith(container("form", MARKDOWN), "{\"tag\":\"table\",\"columns\":[],\"rows\":[]}"));
  }

  @Test
  void validate_columnSetHoldingNonColumn_refusedAsContentFailed() {
    assertRefused(
        cardWith("{\"tag\":\"column_set\",\"columns\":[" + MARKDOWN + "]}"),
        ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(
        cardWith("{\"tag\":\"column_set\",\"columns\":[{\"elements\":[]}]}"),
        ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_columnOutsideColumnSet_refusedAsContentFailed() {
    assertRefused(cardWith(container("column", MARKDOWN)), ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(
        cardWith(container("interactive_container", container("column"))),
        ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_columnsNotArray_refusedAsContentFailed() {
    assertRefused(
        cardWith("{\"tag\":\"column_set\",\"columns\":{}}"), ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"multi_select_static", "multi_select_person"})
  void validate_multiSelectOutsideForm_refusedAsContentFailed(String tag) {
    String select = "{\"tag\":\"" + tag + "\",\"name\":\"s\"}";

    assertRefused(cardWith(select), ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(
        cardWith(container("interactive_container", select)), ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(cardWith(columnSet(select)), ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"multi_select_static", "multi_select_person"})
  void validate_multiSelectAnywhereInForm_accepted(String tag) {
    String select = "{\"tag\":\"" + tag + "\",\"name\":\"s\"}";

    assertValid(cardWith(container("form", select)));
    assertValid(cardWith(container("form", columnSet(container("collapsible_panel", select)))));
  }

  @Test
  void validate_fiveContainerLevels_accepted() {
    String five =
        container(
            "form",
            columnSet(
                container(
                    "interactive_container", container("collapsible_panel", columnSet(MARKDOWN)))));

    assertValid(cardWith(five));
  }

  @Test
  void validate_sixContainerLevels_refusedAsContentFailed() {
    String six =
        container(
            "interactive_container",
            container(
                "interactive_container",
                container(
                    "interactive_container",
                    container(
                        "interactive_container",
                        container(
                            "interactive_container",
                            container("interactive_container", MARKDOWN))))));

    assertThat(assertRefused(cardWith(six), ErrorCode.CARD_CONTENT_FAILED).getMessage())
        .contains("5 levels");
  }

  @Test
  void validate_sixLevelsOfColumns_refusedAsContentFailed() {
    String nested = MARKDOWN;
    for (int i = 0; i < 5; i++) {
      nested = columnSet(nested);
    }
    assertValid(cardWith(nested));

    assertRefused(cardWith(columnSet(nested)), ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_containerElementsNotArrayOfObjects_refusedAsContentFailed() {
    assertRefused(
        cardWith("{\"tag\":\"collapsible_panel\",\"elements\":\"x\"}"),
        ErrorCode.CARD_CONTENT_FAILED);
    assertRefused(
        cardWith("{\"tag\":\"interactive_container\",\"elements\":[1]}"),
        ErrorCode.CARD_CONTENT_FAILED);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Element ids

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "markdown_1", "a_b_C_9", "abcdefghij0123456789"})
  void validate_wellFormedElementId_accepted(String id) {
    assertValid(cardWith("{\"tag\":\"markdown\",\"element_id\":\"" + id + "\"}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1abc", "_abc", "a-b", "a b", "abcdefghij0123456789x", "中文", "é"})
  void validate_malformedElementId_refusedAsDuplicateElementId(String id) {
    ApiException e =
        assertRefused(
            cardWith("{\"tag\":\"markdown\",\"element_id\":\"" + id + "\"}"),
            ErrorCode.DUPLICATE_ELEMENT_ID);

    assertThat(e.getMessage()).contains("invalid element_id");
  }

  @Test
  void validate_nonStringElementId_refusedAsDuplicateElementId() {
    assertRefused(
        cardWith("{\"tag\":\"markdown\",\"element_id\":12}"), ErrorCode.DUPLICATE_ELEMENT_ID);
  }

  @Test
  void validate_malformedElementIdOnTextElement_refused() {
    assertRefused(
        cardWith("{\"tag\":\"div\",\"text\":{\"tag\":\"plain_text\",\"element_id\":\"9\"}}"),
        ErrorCode.DUPLICATE_ELEMENT_ID);
  }

  @Test
  void validate_malformedElementIdInHeader_refused() {
    assertRefused(
        json(
            "{\"schema\":\"2.0\",\"header\":{\"text_tag_list\":[{\"tag\":\"text_tag\",\"element_id\":\"-\"}]}}"),
        ErrorCode.DUPLICATE_ELEMENT_ID);
  }

  @Test
  void validate_duplicateElementIds_refusedNamingTheId() {
    ApiException e =
        assertRefused(
            cardWith(
                "{\"tag\":\"markdown\",\"element_id\":\"md_1\"}",
                columnSet("{\"tag\":\"markdown\",\"element_id\":\"md_1\"}")),
            ErrorCode.DUPLICATE_ELEMENT_ID);

    assertThat(e.getMessage()).contains("duplicate element_id 'md_1'").contains("body.elements[0]");
  }

  @Test
  void validate_duplicateBetweenHeaderAndBody_refused() {
    assertRefused(
        json(
            """
            {"schema":"2.0","header":{"text_tag_list":[{"tag":"text_tag","element_id":"tag1"}]},
             "body":{"elements":[{"tag":"div","text":{"tag":"plain_text","element_id":"tag1"}}]}}
            """),
        ErrorCode.DUPLICATE_ELEMENT_ID);
  }

  @Test
  void validate_elementIdInsideCallbackValue_ignored() {
    String button =
        "{\"tag\":\"button\",\"element_id\":\"b%d\",\"behaviors\":[{\"type\":\"callback\","
            + "\"value\":{\"element_id\":\"not an id\",\"tag\":\"x\"}}]}";

    assertValid(cardWith(String.format(button, 1), String.format(button, 2)));
  }

  @Test
  void validate_distinctIdsAcrossCard_accepted() {
    assertValid(
        cardWith(
            "{\"tag\":\"markdown\",\"element_id\":\"a1\"}",
            columnSet("{\"tag\":\"markdown\",\"element_id\":\"a2\"}"),
            "{\"tag\":\"div\",\"element_id\":\"a3\",\"text\":{\"tag\":\"plain_text\",\"element_id\":\"a4\"}}"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Limits

  @Test
  void countComponents_countsEveryTaggedObjectUnderHeaderAndBody() {
    ObjectNode card =
        json(
            """
            {"schema":"2.0","config":{"summary":{"tag":"not counted"}},
             "header":{"title":{"tag":"plain_text","content":"t"}},
             "body":{"elements":[
               {"tag":"div","text":{"tag":"plain_text","content":"x"}},
               {"tag":"column_set","columns":[{"tag":"column","elements":[{"tag":"markdown"}]}]},
               {"tag":"button","value":{"tag":"user data"},"behaviors":[{"type":"callback","value":{"tag":"x"}}]}]}}
            """);

    assertThat(CardValidator.countComponents(card)).isEqualTo(7);
  }

  @Test
  void validate_200Components_accepted() {
    assertValid(cardWith(markdowns(CardValidator.MAX_COMPONENTS)));
  }

  @Test
  void validate_201Components_refusedAsTooManyComponents() {
    assertRefused(
        cardWith(markdowns(CardValidator.MAX_COMPONENTS + 1)), ErrorCode.TOO_MANY_COMPONENTS);
  }

  @Test
  void validate_textElementsAndHeaderCountTowardsLimit() {
    String div = "{\"tag\":\"div\",\"text\":{\"tag\":\"plain_text\",\"content\":\"x\"}}";
    String divs = String.join(",", Collections.nCopies(100, div));
    ObjectNode card = cardWith(divs);
    assertValid(card);

    card.putObject("header").putObject("title").put("tag", "plain_text");

    assertRefused(card, ErrorCode.TOO_MANY_COMPONENTS);
  }

  @Test
  void validate_exactly30KiB_accepted() {
    assertValid(cardOfSize(CardValidator.MAX_CARD_BYTES));
  }

  @Test
  void validate_over30KiB_refusedAsCardTooLarge() {
    assertRefused(cardOfSize(CardValidator.MAX_CARD_BYTES + 1), ErrorCode.CARD_TOO_LARGE);
  }

  @Test
  void validate_sizeMeasuredInUtf8Bytes() {
    ObjectNode card = cardOfSize(CardValidator.MAX_CARD_BYTES);
    ObjectNode markdown = (ObjectNode) card.path("body").path("elements").path(0);
    String content = markdown.path("content").asText();
    // One 3-byte character in place of one ASCII character: same length in chars, two bytes more.
    markdown.put("content", "中" + content.substring(1));

    assertRefused(card, ErrorCode.CARD_TOO_LARGE);
  }

  /**
   * A valid card with one markdown whose compact UTF-8 serialization is exactly {@code bytes} long.
   */
  private static ObjectNode cardOfSize(int bytes) {
    ObjectNode card = cardWith("{\"tag\":\"markdown\",\"content\":\"\"}");
    int padding = bytes - Json.utf8Size(card);
    ((ObjectNode) card.path("body").path("elements").path(0)).put("content", "a".repeat(padding));
    assertThat(Json.utf8Size(card)).isEqualTo(bytes);
    return card;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Check order

  @Test
  void validate_structureProblemAndDuplicateId_structureReportedFirst() {
    String withId = "{\"tag\":\"markdown\",\"element_id\":\"x\"}";
    ObjectNode card = cardWith(withId, withId, "{\"tag\":\"foo\"}");

    assertRefused(card, ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validate_duplicateIdAndTooManyComponents_idReportedFirst() {
    ObjectNode card =
        cardWith(
            "{\"tag\":\"markdown\",\"element_id\":\"x\"}",
            "{\"tag\":\"markdown\",\"element_id\":\"x\"}",
            markdowns(CardValidator.MAX_COMPONENTS));

    assertRefused(card, ErrorCode.DUPLICATE_ELEMENT_ID);
  }

  @Test
  void validate_tooManyComponentsAndTooLarge_countReportedFirst() {
    String big = "{\"tag\":\"markdown\",\"content\":\"" + "a".repeat(200) + "\"}";
    ObjectNode card =
        cardWith(String.join(",", Collections.nCopies(CardValidator.MAX_COMPONENTS + 1, big)));
    assertThat(Json.utf8Size(card)).isGreaterThan(CardValidator.MAX_CARD_BYTES);

    assertRefused(card, ErrorCode.TOO_MANY_COMPONENTS);
  }

  @Test
  void validate_configProblemAndUnknownTag_configReportedFirst() {
    ObjectNode card = cardWith("{\"tag\":\"foo\"}");
    card.putObject("config").put("update_multi", false);

    assertRefused(card, ErrorCode.UPDATE_MULTI_FALSE);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Validate component

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"markdown\"", "null", "1"})
  void validateComponent_notObject_refusedAsContentFailed(String component) {
    assertComponentRefused(component, ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validateComponent_javaNull_refusedAsContentFailed() {
    assertThat(refusal(() -> CardValidator.validateComponent(null)).code())
        .isEqualTo(ErrorCode.CARD_CONTENT_FAILED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"tag\":\"foo\"}",
        "{\"tag\":\"note\"}",
        "{\"tag\":\"action\"}",
        "{\"tag\":\"plain_text\",\"content\":\"x\"}",
        "{\"content\":\"x\"}"
      })
  void validateComponent_badTag_refusedAsContentFailed(String component) {
    assertComponentRefused(component, ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validateComponent_loneColumn_accepted() {
    assertComponentValid(
        "{\"tag\":\"column\",\"element_id\":\"col_2\",\"elements\":[" + MARKDOWN + "]}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"tag\":\"form\",\"name\":\"f\",\"elements\":[]}",
        "{\"tag\":\"table\",\"columns\":[],\"rows\":[]}",
        "{\"tag\":\"multi_select_static\",\"name\":\"s\"}",
        "{\"tag\":\"markdown\",\"content\":\"\",\"element_id\":\"md\"}"
      })
  void validateComponent_componentWhoseContextIsUnknown_accepted(String component) {
    assertComponentValid(component);
  }

  @Test
  void validateComponent_badNestingInside_refusedAsContentFailed() {
    assertComponentRefused(
        container("interactive_container", container("form")), ErrorCode.CARD_CONTENT_FAILED);
    assertComponentRefused(container("form", container("form")), ErrorCode.CARD_CONTENT_FAILED);
    assertComponentRefused(container("form", container("column")), ErrorCode.CARD_CONTENT_FAILED);
    assertComponentRefused(
        "{\"tag\":\"column_set\",\"columns\":[" + MARKDOWN + "]}", ErrorCode.CARD_CONTENT_FAILED);
    assertComponentRefused("{\"tag\":\"form\",\"elements\":[]}", ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validateComponent_tooDeep_refusedAsContentFailed() {
    String nested = MARKDOWN;
    for (int i = 0; i < 6; i++) {
      nested = container("collapsible_panel", nested);
    }

    assertComponentRefused(nested, ErrorCode.CARD_CONTENT_FAILED);
  }

  @Test
  void validateComponent_malformedElementId_refusedAsDuplicateElementId() {
    ApiException e =
        assertComponentRefused(
            "{\"tag\":\"markdown\",\"element_id\":\"1st\"}", ErrorCode.DUPLICATE_ELEMENT_ID);

    assertThat(e.getMessage()).contains("invalid element_id");
  }

  @Test
  void validateComponent_duplicateElementIdsWithin_refusedAsDuplicateElementId() {
    String twice =
        columnSet(
            "{\"tag\":\"markdown\",\"element_id\":\"same\"}",
            "{\"tag\":\"hr\",\"element_id\":\"same\"}");

    assertThat(assertComponentRefused(twice, ErrorCode.DUPLICATE_ELEMENT_ID).getMessage())
        .contains("'same'");
  }
}
