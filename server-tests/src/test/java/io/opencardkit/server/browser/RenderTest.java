package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import io.opencardkit.server.testkit.PageErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * render.js: every component of the showcase card, placeholders, interactions, client-version
 * previews.
 */
final class RenderTest extends HarnessTest {
  static String showcase() {
    try (InputStream in = RenderTest.class.getResourceAsStream("/harness/cards/showcase.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Renders a card JSON into #stage; interactions are collected in window.actions. */
  private void mount(String cardJson, String clientVersion) {
    page.evaluate(
        "([json, clientVersion]) => { const names = { ou_alice: 'Alice Wang', ou_bob: 'Bob Li' }; window.actions = [];"
            + " const { root } = window.ock.render.renderCard(JSON.parse(json), { clientVersion,"
            + "   resolveUser: (id) => names[id] || null, onAction: (p) => window.actions.push(p) });"
            + " document.getElementById('stage').replaceChildren(root); }",
        List.of(cardJson, clientVersion));
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> actions() {
    return (List<Map<String, Object>>) page.evaluate("() => window.actions");
  }

  private Locator el(String elementId) {
    return page.locator("[data-element-id=\"" + elementId + "\"]");
  }

  @Test
  void renderCard_showcase_rendersEveryComponentAndOnlyTheUnknownOneAsPlaceholder() {
    mount(showcase(), "latest");
    for (String tag :
        List.of(
            "markdown",
            "hr",
            "column_set",
            "column",
            "div",
            "table",
            "chart",
            "person",
            "person_list",
            "img",
            "collapsible_panel",
            "interactive_container",
            "form",
            "input",
            "select_static",
            "multi_select_static",
            "date_picker",
            "checker",
            "button",
            "overflow")) {
      assertThat(page.locator("[data-tag=\"" + tag + "\"]").count()).as(tag).isPositive();
    }
    assertThat(page.locator("[data-testid=\"unknown-component\"]").count()).isEqualTo(1);
    assertThat(page.locator("[data-testid=\"unknown-component\"]").textContent())
        .contains("fancy_widget_v9");
    assertThat(page.locator("[data-testid=\"broken-component\"]").count()).isZero();
    // The component after the unknown one still renders.
    assertThat(el("tail_md").textContent().trim()).isEqualTo("卡片末尾的文字");
    assertThat(page.locator(".ock-header.template-blue .ock-title").textContent())
        .isEqualTo("本周项目进展");
    assertThat(page.locator(".ock-subtitle").textContent()).isEqualTo("OpenCardKit · 第 12 周");
    assertThat(page.locator(".ock-header .ock-tag").allTextContents()).containsExactly("进行中", "重要");
    assertThat(el("note_text").textContent()).isEqualTo("纯文本元素：<不是标签>");
    assertThat(el("summary_md").textContent()).contains("@Alice Wang", "✅", "测试全部通过", "里程碑");
  }

  @Test
  void renderCard_directoryNames_showForPersonsAndUnknownIdsShowPlaceholderName() {
    mount(showcase(), "latest");
    assertThat(el("p1").textContent()).contains("Alice Wang");
    assertThat(el("pl1").locator(".ock-person-name").allTextContents())
        .containsExactly("Alice Wang", "Bob Li", "未知用户");
    assertThat(el("tbl").locator("tbody tr").first().textContent())
        .contains("Alice Wang", "渲染器", "¥1,234.50", "完成");
  }

  @Test
  void renderCard_tableWithMoreRowsThanPageSize_paginates() {
    mount(showcase(), "latest");
    assertThat(el("tbl").locator("tbody tr").count()).isEqualTo(3);
    el("tbl").locator(".ock-pager button").last().click();
    assertThat(el("tbl").locator("tbody tr").count()).isEqualTo(1);
    assertThat(el("tbl").locator("tbody").textContent()).contains("转发");
  }

  @Test
  void renderCard_chart_fallsBackToItsDataAsATable() {
    mount(showcase(), "latest");
    assertThat(el("chart1").locator(".ock-chart-caption").textContent()).contains("每日请求", "bar");
    assertThat(el("chart1").locator("th").allTextContents()).containsExactly("day", "count");
    assertThat(el("chart1").locator("tbody tr").count()).isEqualTo(2);
  }

  @Test
  void renderCard_imgKey_showsLabelledPlaceholderAndUrlShowsImage() {
    mount(showcase(), "latest");
    assertThat(el("img_key_img").locator(".ock-img-placeholder").textContent())
        .contains("架构图", "img_v2_041b28e3");
    mount(
        "{\"body\":{\"elements\":[{\"tag\":\"img\",\"element_id\":\"u\",\"img_key\":\""
            + server.baseUrl()
            + "/harness/cards/pixel.png\"}]}}",
        "latest");
    assertThat(el("u").locator("img").getAttribute("src")).endsWith("/harness/cards/pixel.png");
  }

  @Test
  void renderCard_malformedComponent_becomesPlaceholderAndTheRestRenders() {
    mount(
        "{\"body\":{\"elements\":[{\"tag\":\"column_set\",\"columns\":\"not a list\"},{\"tag\":\"markdown\",\"element_id\":\"after\",\"content\":\"still here\"},"
            + "\"not an object\",{\"no_tag\":true}]}}",
        "latest");
    assertThat(page.locator("[data-testid=\"broken-component\"]").count()).isEqualTo(1);
    assertThat(page.locator("[data-testid=\"unknown-component\"]").count()).isEqualTo(2);
    assertThat(el("after").textContent().trim()).isEqualTo("still here");
  }

  @Test
  void buttons_clicked_sendTheirCallbackValue_andConfirmAsksFirst() {
    mount(showcase(), "latest");
    el("approve").click();
    el("reject").click();
    assertThat(actions()).hasSize(1);
    page.locator("[data-testid=\"confirm\"] button").first().click();
    assertThat(actions())
        .containsExactly(
            Map.of(
                "tag", "button", "element_id", "approve", "value", Map.of("decision", "approve")),
            Map.of("tag", "button", "element_id", "reject", "value", Map.of("decision", "reject")));
  }

  @Test
  void selectOverflowCheckerInputAndContainer_outsideAForm_sendTheirValues() {
    mount(showcase(), "latest");
    el("prio").locator("select").selectOption("high");
    el("more").locator(".ock-overflow-trigger").click();
    el("more").locator(".ock-overflow-item").nth(1).click();
    el("done_ck").locator("input").check();
    el("quick_in").locator("input").fill("收到");
    el("quick_in").locator("input").press("Enter");
    el("ic1").click();
    assertThat(actions())
        .containsExactly(
            Map.of("tag", "select_static", "element_id", "prio", "option", "high"),
            Map.of("tag", "overflow", "element_id", "more", "option", "remind"),
            Map.of(
                "tag",
                "checker",
                "element_id",
                "done_ck",
                "value",
                Map.of("k", "done"),
                "checked",
                true),
            Map.of("tag", "input", "element_id", "quick_in", "input_value", "收到"),
            Map.of(
                "tag",
                "interactive_container",
                "element_id",
                "ic1",
                "value",
                Map.of("open", "detail")));
    assertThat(el("done_ck").getAttribute("class")).contains("checked-strike");
  }

  @Test
  void form_submit_sendsFormValueOfNamedFields_andRequiredFieldsBlockIt() {
    mount(showcase(), "latest");
    el("submit_btn").click();
    // "comment" is required and empty: nothing is sent.
    assertThat(actions()).isEmpty();
    el("in1").locator("input").fill("很好");
    el("sel1").locator("select").selectOption("good");
    el("ms1").locator("select").selectOption(new String[] {"speed", "look"});
    el("ck1").locator("input").check();
    el("submit_btn").click();
    List<Map<String, Object>> sent = actions();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0))
        .containsEntry("tag", "button")
        .containsEntry("element_id", "submit_btn")
        .containsEntry("name", "submit");
    @SuppressWarnings("unchecked")
    Map<String, Object> form = (Map<String, Object>) sent.get(0).get("form_value");
    assertThat(form)
        .containsEntry("comment", "很好")
        .containsEntry("score", "good")
        .containsEntry("areas", List.of("speed", "look"))
        .containsEntry("agree", true);
    assertThat((String) form.get("due")).matches("2025-06-10 [+-]\\d{4}");
  }

  @Test
  void clientVersionOld_showsTitleAndUpgradeNoticeInsteadOfBody() {
    mount(showcase(), "old");
    assertThat(page.locator(".ock-title").textContent()).isEqualTo("本周项目进展");
    assertThat(page.locator("[data-testid=\"upgrade-notice\"]").textContent())
        .isEqualTo("请升级至最新版本客户端，以查看内容");
    assertThat(el("summary_md").count()).isZero();
    mount(showcase(), "legacy");
    assertThat(page.locator("[data-testid=\"upgrade-notice\"]").count()).isZero();
    assertThat(el("summary_md").count()).isEqualTo(1);
  }

  @Test
  void renderCard_showcase_screenshotLooksLikeAChatCard() {
    page.setViewportSize(700, 2200);
    mount(showcase(), "latest");
    Path shot = Path.of("target", "screenshots", "showcase.png");
    page.locator("[data-testid=\"card\"]")
        .screenshot(new Locator.ScreenshotOptions().setPath(shot));
    assertThat(shot).exists();
    // A chat card is about 600 px wide, not a page-wide or collapsed layout.
    double width =
        ((Number)
                page.evaluate(
                    "() => document.querySelector('[data-testid=\"card\"]').getBoundingClientRect().width"))
            .doubleValue();
    assertThat(width).isBetween(590.0, 610.0);
    assertThat(PageErrors.of(page)).isEmpty();
  }
}
