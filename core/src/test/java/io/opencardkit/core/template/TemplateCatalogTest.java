package io.opencardkit.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class TemplateCatalogTest {
  @Test
  void keyOf_templateFileNames_andOthers() {
    assertThat(TemplateCatalog.keyOf("AAqIi1B8abcef.json"))
        .contains(new TemplateCatalog.FileKey("AAqIi1B8abcef", null));
    assertThat(TemplateCatalog.keyOf("AAqIi1B8abcef@1.0.2.json"))
        .contains(new TemplateCatalog.FileKey("AAqIi1B8abcef", "1.0.2"));
    assertThat(TemplateCatalog.keyOf("README.md")).isEmpty();
    assertThat(TemplateCatalog.keyOf("../etc.json")).as("no path in a template id").isEmpty();
    assertThat(TemplateCatalog.keyOf("a b.json")).isEmpty();
  }

  @Test
  void card_withoutVersion_isTheLatestFile_elseTheHighestVersion() {
    TemplateCatalog catalog =
        TemplateCatalog.of(
            Map.of(
                key("T1", null),
                card("latest"),
                key("T1", "1.0.0"),
                card("one"),
                key("T2", "1.2.0"),
                card("1.2"),
                key("T2", "1.10.0"),
                card("1.10"),
                key("T2", "1.9.9"),
                card("1.9")));

    assertThat(text(catalog.card(request("T1", null)))).isEqualTo("latest");
    assertThat(text(catalog.card(request("T1", "1.0.0")))).isEqualTo("one");
    assertThat(text(catalog.card(request("T2", null))))
        .as("1.10.0 is above 1.9.9 and 1.2.0")
        .isEqualTo("1.10");
    assertThat(catalog.size()).isEqualTo(2);
  }

  @Test
  void card_unknownTemplateOrVersion_isRefusedWith200380NamingIt() {
    TemplateCatalog catalog = TemplateCatalog.of(Map.of(key("T1", "1.0.0"), card("one")));

    assertThatThrownBy(() -> catalog.card(request("T9", null)))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TEMPLATE_NOT_FOUND);
              assertThat(e.getMessage()).contains("template does not exist", "templateID: T9");
            });
    assertThatThrownBy(() -> catalog.card(request("T1", "2.0.0")))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.getMessage()).contains("templateID: T1", "2.0.0"));
  }

  @Test
  void request_malformedData_isRefusedWith10002() {
    assertThat(codeOf("[]")).isEqualTo(10002);
    assertThat(codeOf("{}")).as("no template_id").isEqualTo(10002);
    assertThat(codeOf("{\"template_id\":5}")).isEqualTo(10002);
    assertThat(codeOf("{\"template_id\":\"T\",\"template_variable\":[1]}")).isEqualTo(10002);
    assertThat(codeOf("{\"template_id\":\"T\",\"template_version_name\":1}")).isEqualTo(10002);
  }

  private static int codeOf(String data) {
    try {
      TemplateRequest.of(Json.parseOrNull(data));
    } catch (ApiException e) {
      return e.code().code();
    }
    throw new AssertionError("accepted " + data);
  }

  private static TemplateCatalog.FileKey key(String id, String version) {
    return new TemplateCatalog.FileKey(id, version);
  }

  private static TemplateRequest request(String id, String version) {
    return new TemplateRequest(id, version, Json.object());
  }

  private static ObjectNode card(String marker) {
    return Json.object().put("schema", "2.0").put("marker", marker);
  }

  private static String text(ObjectNode card) {
    return card.path("marker").asText();
  }
}
