package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.opencardkit.server.testkit.BrowserFixture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Card content is untrusted: no script in it runs, and under the CSP nothing loads from other
 * origins.
 */
final class CardSafetyTest {
  /** Every way of running script we try, each setting window.pwned. */
  static final String PAYLOAD =
      "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script><svg onload=\"window.pwned=3\"></svg>"
          + "<iframe src=\"javascript:window.pwned=4\"></iframe><a href=\"javascript:window.pwned=5\">x</a>";

  static final String HOSTILE_CARD =
      "{ config: { style: { color: { evil: { light_mode: 'red;background:url(https://evil.example/bg.png)' } } } },"
          + " card_link: { url: 'javascript:window.pwned=20' },"
          + " header: { title: { tag: 'lark_md', content: P }, subtitle: { tag: 'plain_text', content: P },"
          + "  text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: P }, color: 'red\" onmouseover=\"window.pwned=21' }],"
          + "  template: 'blue\" onclick=\"window.pwned=22', icon: { tag: 'standard_icon', token: P, color: P } },"
          + " body: { padding: '1px; background: url(https://evil.example/p.png)', elements: ["
          + "  { tag: 'markdown', element_id: 'md', content: P + \"\\n[c](javascript:window.pwned=7) <a href='javascript:window.pwned=8'>a</a>"
          + "   <font color='red\\\" onmouseover=\\\"window.pwned=9'>f</font> <font color='evil'>e</font> <link url='javascript:window.pwned=10'>l</link>"
          + "   ![i](javascript:window.pwned=11) <at id='\\\"><img src=x onerror=window.pwned=12>'></at> <person id='<script>window.pwned=23</script>'></person>\" },"
          + "  { tag: 'div', text: { tag: 'plain_text', element_id: 'pt', content: P } },"
          + "  { tag: 'div', text: { tag: 'lark_md', element_id: 'lm', content: P } },"
          + "  { tag: 'button', element_id: 'b', text: { tag: 'plain_text', content: P },"
          + "    behaviors: [{ type: 'open_url', default_url: 'javascript:window.pwned=13' }] },"
          + "  { tag: 'table', columns: [{ name: 'a', data_type: 'lark_md' }, { name: 'b', data_type: 'text', display_name: P }], rows: [{ a: P, b: P }] },"
          + "  { tag: 'chart', chart_spec: { title: { text: P }, data: { values: [{ k: P }] } } },"
          + "  { tag: 'img', img_key: 'javascript:window.pwned=14', alt: { tag: 'plain_text', content: P } },"
          + "  { tag: 'select_static', options: [{ text: { tag: 'plain_text', content: P }, value: P }] },"
          + "  { tag: P, content: P },"
          + "  { tag: 'column_set', columns: [{ tag: 'column', elements: [{ tag: 'markdown', content: P }] }],"
          + "    action: { multi_url: { url: 'javascript:window.pwned=15' } } },"
          + "  { tag: 'interactive_container', element_id: 'ic', margin: '0 url(x)', behaviors: [{ type: 'open_url', default_url: 'javascript:window.pwned=16' }], elements: [] },"
          + "  { tag: 'markdown', content: '<style>body{display:none}</style><form action=\"https://evil.example\"><input name=x></form><object data=\"x\"></object>' } ] } }";

  private static WebTestServer noCsp;
  private static WebTestServer withCsp;
  private static BrowserFixture browser;

  @BeforeAll
  static void startAll() {
    noCsp = WebTestServer.start(false);
    withCsp = WebTestServer.start(true);
    browser = BrowserFixture.launch();
  }

  @AfterAll
  static void stopAll() {
    browser.close();
    noCsp.close();
    withCsp.close();
  }

  private static void mount(Page page, String cardExpression) {
    page.evaluate(
        "(P) => { const card = "
            + cardExpression
            + ";"
            + " const { root } = window.ock.render.renderCard(card, { resolveUser: () => null, onAction: () => {} });"
            + " document.getElementById('stage').replaceChildren(root); }",
        PAYLOAD);
  }

  /**
   * Waits until a broken image of our own has fired its error event, so payload images have had
   * their chance.
   */
  private static void waitForImageErrors(Page page) {
    page.evaluate(
        "() => { const img = new Image(); img.addEventListener('error', () => { window.canary = true; });"
            + " img.src = '/harness/missing-' + Date.now() + '.png'; document.body.append(img); }");
    page.waitForFunction("() => window.canary === true");
    page.waitForFunction(
        "() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))");
  }

  @Test
  void renderCard_scriptPayloadsInEveryTextField_neverRunWithoutTheCspEither() {
    Page page = Harness.open(browser, noCsp);
    page.onPopup(Page::close);
    mount(page, HOSTILE_CARD);
    Locator stage = page.locator("#stage");
    stage.locator("button").all().forEach(b -> b.click(new Locator.ClickOptions().setForce(true)));
    stage.locator(".ock-tag").all().forEach(Locator::hover);
    stage.locator(".md-font").all().forEach(Locator::hover);
    page.locator("[data-tag=\"column_set\"]").click();
    page.locator("[data-element-id=\"ic\"]").click();
    page.locator("[data-testid=\"card\"]").click(new Locator.ClickOptions().setPosition(5, 5));
    waitForImageErrors(page);

    assertThat(page.evaluate("() => window.pwned")).isNull();
    assertThat(stage.locator("script, iframe, svg, object, embed, style, link[rel]").count())
        .isZero();
    assertThat(
            page.evaluate(
                "() => [...document.querySelectorAll('#stage *')].flatMap((e) => [...e.attributes])"
                    + ".filter((a) => a.name.startsWith('on') || (['href', 'src', 'srcset', 'action', 'formaction', 'xlink:href', 'poster', 'background'].includes(a.name)"
                    + " && !/^(https?:|\\/)/i.test(a.value.trim()))).map((a) => a.name + '=' + a.value)"))
        .isEqualTo(List.of());
    // The markup arrives as text where the field is plain text.
    assertThat(page.locator("[data-element-id=\"pt\"]").textContent()).isEqualTo(PAYLOAD);
    assertThat(page.locator("body").isVisible()).isTrue();
    // Even the unknown component's name is shown as text only.
    assertThat(page.locator("[data-testid=\"unknown-component\"]").textContent())
        .contains("<img src=x");
  }

  @Test
  void renderCard_externalImagesAndStyles_loadNothingFromOtherOriginsUnderTheCsp() {
    Page page = Harness.open(browser, withCsp);
    List<String> foreign = Collections.synchronizedList(new ArrayList<>());
    page.route(
        "**/*",
        route -> {
          String url = route.request().url();
          if (url.startsWith(withCsp.baseUrl())) {
            route.resume();
          } else {
            foreign.add(url);
            route.abort();
          }
        });
    mount(
        page,
        "{ body: { elements: ["
            + " { tag: 'markdown', element_id: 'md', content: '![remote](https://evil.example/a.png) <font color=\\'evil\\'>x</font>' },"
            + " { tag: 'img', element_id: 'im', img_key: 'https://evil.example/b.png', alt: { tag: 'plain_text', content: 'remote' } } ] },"
            + " config: { style: { color: { evil: { light_mode: 'red;background:url(https://evil.example/bg.png)' } } } } }");
    waitForImageErrors(page);
    // A foreign image waits behind a labelled placeholder until the viewer asks for it
    // (ForeignImageTest).
    page.locator("[data-element-id=\"im\"] [data-testid=\"foreign-image\"]").waitFor();
    page.locator("[data-element-id=\"md\"] [data-testid=\"foreign-image\"]").waitFor();
    assertThat(foreign).isEmpty();
  }
}
