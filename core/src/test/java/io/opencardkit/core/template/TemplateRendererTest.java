package io.opencardkit.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import org.junit.jupiter.api.Test;

final class TemplateRendererTest {
  /**
   * A builder export with text, typed and list variables ('…' stands for '"' to keep the JSON
   * readable).
   */
  private static final ObjectNode TEMPLATE =
      card(
          "{'schema':'2.0','header':{'title':{'tag':'plain_text','content':'${title}'}},"
              + "'body':{'elements':["
              + "{'tag':'markdown','element_id':'summary','content':'本周 **${done}** 项完成，负责人 ${owner}'},"
              + "{'tag':'repeat','variable':'rows','elements':["
              + "  {'tag':'column_set','element_id':'row','columns':[{'tag':'column','elements':["
              + "    {'tag':'markdown','content':'${name}：${duration}（${owner}）'}]}]}]},"
              + "{'tag':'img','img_key':'${chart}','alt':{'tag':'plain_text','content':''}},"
              + "{'tag':'button','text':{'tag':'plain_text','content':'确认'},'disabled':'${locked}',"
              + " 'behaviors':[{'type':'callback','value':'${payload}'}]},"
              + "{'tag':'date_picker','name':'due','initial_date':'${due}'},"
              + "{'tag':'column_set','columns':[{'tag':'column','weight':'${weight}','elements':[]}]}]}}");

  @Test
  void render_everyKindOfVariable_givesPlainCardJson() {
    ObjectNode card =
        TemplateRenderer.render(
            TEMPLATE,
            card(
                "{'title':'周报','done':'12','owner':'Alice',"
                    + "'rows':[{'name':'王冰','duration':'1小时'},{'name':'王芳','duration':'2小时','owner':'Bob'}],"
                    + "'chart':{'img_key':'img_v3_chart'},'locked':true,'payload':{'action':'ack'},'due':'2024-11-06','weight':'2'}"));

    JsonNode elements = card.path("body").path("elements");
    assertThat(card.path("header").path("title").path("content").asText()).isEqualTo("周报");
    assertThat(elements.get(0).path("content").asText()).isEqualTo("本周 **12** 项完成，负责人 Alice");
    // the loop became one column_set per item; an item's own fields shadow the outer variables
    assertThat(elements.get(1).path("element_id").asText()).isEqualTo("row_0");
    assertThat(elements.get(1).at("/columns/0/elements/0/content").asText())
        .isEqualTo("王冰：1小时（Alice）");
    assertThat(elements.get(2).path("element_id").asText()).isEqualTo("row_1");
    assertThat(elements.get(2).at("/columns/0/elements/0/content").asText())
        .isEqualTo("王芳：2小时（Bob）");
    assertThat(elements.get(3).path("img_key").asText()).isEqualTo("img_v3_chart");
    assertThat(elements.get(4).path("disabled").isBoolean()).isTrue();
    assertThat(elements.get(4).at("/behaviors/0/value")).isEqualTo(card("{'action':'ack'}"));
    assertThat(elements.get(5).path("initial_date").asText()).isEqualTo("2024-11-06");
    assertThat(elements.get(6).at("/columns/0/weight").isIntegralNumber())
        .as("an integer written as a string")
        .isTrue();
    assertThat(elements.get(6).at("/columns/0/weight").asInt()).isEqualTo(2);
    assertThat(TEMPLATE.toString())
        .as("the template itself is unchanged")
        .contains("${title}", "'repeat'".replace('\'', '"'));
  }

  @Test
  void render_variablesNotGiven_emptyTextNoPropertyNoRows() {
    ObjectNode card = TemplateRenderer.render(TEMPLATE, Json.object());

    JsonNode elements = card.path("body").path("elements");
    assertThat(card.path("header").path("title").path("content").asText()).isEmpty();
    assertThat(elements.get(0).path("content").asText()).isEqualTo("本周 **** 项完成，负责人 ");
    assertThat(elements.get(1).path("tag").asText())
        .as("no rows: the loop left nothing")
        .isEqualTo("img");
    assertThat(elements.get(1).has("img_key")).isFalse();
    assertThat(elements.get(2).has("disabled")).as("the component's default applies").isFalse();
  }

  @Test
  void render_textVariableGivenABoolean_isRefusedWith200732NamingIt() {
    assertThatThrownBy(() -> TemplateRenderer.render(TEMPLATE, card("{'owner':true}")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_VARIABLE_TYPE);
              assertThat(e.code().code()).isEqualTo(200732);
              assertThat(e.getMessage())
                  .contains("varName: owner, expectType: string, actualType: bool");
            });
  }

  @Test
  void render_wrongTypes_areRefusedWith200732() {
    assertThat(code(card("{'title':7}"))).as("whole text given a number").isEqualTo(200732);
    assertThat(code(card("{'rows':'x'}"))).as("a list given a string").isEqualTo(200732);
    assertThat(code(card("{'rows':['x']}")))
        .as("a list of strings instead of objects")
        .isEqualTo(200732);
    assertThat(code(card("{'locked':'yes'}"))).as("a boolean given a string").isEqualTo(200732);
    assertThat(code(card("{'chart':5}"))).as("an image given a number").isEqualTo(200732);
    assertThat(code(card("{'weight':true}"))).as("an integer given a boolean").isEqualTo(200732);
  }

  @Test
  void render_wrongFormats_areRefusedWith200737() {
    assertThatThrownBy(() -> TemplateRenderer.render(TEMPLATE, card("{'due':'2024'}")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code().code()).isEqualTo(200737);
              assertThat(e.getMessage())
                  .contains("varName: due, specifiedFormat: yyyy-MM-dd, actualFormat: 2024");
            });
    assertThat(code(card("{'weight':'two'}"))).isEqualTo(200737);
    assertThat(code(card("{'weight':1.5}"))).isEqualTo(200737);
  }

  @Test
  void render_dollarWithoutAVariableName_staysAsWritten() {
    ObjectNode template =
        card(
            "{'schema':'2.0','body':{'elements':[{'tag':'markdown','content':'cost: ${1} and ${ x} and $5'}]}}");

    ObjectNode card = TemplateRenderer.render(template, card("{'x':'no'}"));

    assertThat(card.at("/body/elements/0/content").asText())
        .isEqualTo("cost: ${1} and ${ x} and $5");
  }

  @Test
  void render_valueHoldingAPlaceholder_isNotExpandedAgain() {
    ObjectNode template =
        card("{'schema':'2.0','body':{'elements':[{'tag':'markdown','content':'${a}'}]}}");

    ObjectNode card = TemplateRenderer.render(template, card("{'a':'${b}','b':'secret'}"));

    assertThat(card.at("/body/elements/0/content").asText()).isEqualTo("${b}");
  }

  @Test
  void problems_repeatWithoutVariableOrElements_areNamedWithTheirPath() {
    ObjectNode template =
        card("{'schema':'2.0','body':{'elements':[{'tag':'repeat','elements':{}}]}}");

    assertThat(TemplateRenderer.problems(template))
        .hasSize(2)
        .allMatch(p -> p.startsWith(".body.elements[0]"));
    assertThat(TemplateRenderer.problems(TEMPLATE)).isEmpty();
  }

  private static int code(ObjectNode variables) {
    try {
      TemplateRenderer.render(TEMPLATE, variables);
    } catch (ApiException e) {
      return e.code().code();
    }
    throw new AssertionError("rendered without a refusal: " + variables);
  }

  static ObjectNode card(String singleQuoted) {
    return (ObjectNode) Json.parseOrNull(singleQuoted.replace('\'', '"'));
  }
}
