package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.lark.oapi.Client;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReq;
import com.lark.oapi.service.cardkit.v1.model.CreateCardReqBody;
import com.lark.oapi.service.im.v1.model.CreateImageReq;
import com.lark.oapi.service.im.v1.model.CreateImageReqBody;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.TestServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a person sees of uploaded images and template cards: an image a bot uploaded shows (loaded:
 * its naturalWidth is above 0) in a card's {@code img} element, in card markdown and as an image
 * message, a key nobody uploaded keeps the labelled placeholder, and a card created from a template
 * streams like any card. Screenshots go to {@code /work/screenshots/issue11} (else {@code
 * target/screenshots/issue11}).
 */
final class ImagesAndTemplatesPageTest {
  private static final String TEMPLATE =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true},\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"${title}\"}},"
          + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\"\"},"
          + "{\"tag\":\"repeat\",\"variable\":\"steps\",\"elements\":[{\"tag\":\"markdown\",\"content\":\"已完成：${step}\"}]}]}}";
  private static final Page.WaitForFunctionOptions LONG =
      new Page.WaitForFunctionOptions().setTimeout(20_000);

  private static TestServer server;
  private static BrowserFixture browser;
  private static Bot bot;
  private static Client sdk;
  private static Path shots;

  @BeforeAll
  static void startAll() throws Exception {
    Path templates = Files.createTempDirectory("okc-templates");
    Files.writeString(templates.resolve("AAqPageTpl001.json"), TEMPLATE);
    server =
        TestServer.start(
            Clock.systemUTC(), Duration.ofMinutes(10), c -> c.withTemplates(templates));
    browser = BrowserFixture.launch();
    bot = new Bot(server);
    sdk = server.client();
    Path work = Path.of("/work/screenshots");
    shots =
        Files.isDirectory(work)
            ? work.resolve("issue11")
            : Path.of("target", "screenshots", "issue11");
    Files.createDirectories(shots);
  }

  @AfterAll
  static void stopAll() {
    browser.close();
    server.close();
  }

  @Test
  void uploadedImage_showsInACardInMarkdownAndAsAnImageMessage_unknownKeyKeepsThePlaceholder()
      throws Exception {
    String key = upload(chart(240, 120));
    String inlineKey =
        upload(chart(120, 60)); // only in markdown: its placeholder must give way on its own
    String card =
        "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\"本周图表\"}},\"body\":{\"elements\":["
            + "{\"tag\":\"img\",\"element_id\":\"chart\",\"img_key\":\""
            + key
            + "\",\"alt\":{\"tag\":\"plain_text\",\"content\":\"chart\"}},"
            + "{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\"内联：![趋势]("
            + inlineKey
            + ")\"},"
            + "{\"tag\":\"img\",\"element_id\":\"missing\",\"img_key\":\"img_v3_okc_00000000000000000000000000000000\",\"alt\":{\"tag\":\"plain_text\",\"content\":\"缺失的图\"}}]}}";
    bot.sendCard(card);
    String cardMessage = bot.lastMessageId();
    String imageMessage = bot.sendMessage("image", "{\"image_key\":\"" + key + "\"}");

    Page page = open();
    Locator cardEl = page.locator("[data-message-id=\"" + cardMessage + "\"]");
    Locator imageEl = page.locator("[data-message-id=\"" + imageMessage + "\"]");
    awaitLoaded(page, "[data-message-id=\"" + cardMessage + "\"] [data-element-id=\"chart\"] img");
    awaitLoaded(
        page, "[data-message-id=\"" + cardMessage + "\"] [data-element-id=\"md\"] img.md-img");
    awaitLoaded(page, "[data-message-id=\"" + imageMessage + "\"] .msg-image img");

    assertThat(
            naturalWidth(
                page, "[data-message-id=\"" + cardMessage + "\"] [data-element-id=\"chart\"] img"))
        .isEqualTo(240);
    assertThat(naturalWidth(page, "[data-message-id=\"" + imageMessage + "\"] .msg-image img"))
        .isEqualTo(240);
    assertThat(
            naturalWidth(
                page,
                "[data-message-id=\"" + cardMessage + "\"] [data-element-id=\"md\"] img.md-img"))
        .isEqualTo(120);
    assertThat(cardEl.locator("[data-element-id=\"md\"] .md-img-placeholder").count()).isZero();
    assertThat(
            cardEl
                .locator("[data-element-id=\"missing\"] .ock-img-placeholder .ock-img-label")
                .textContent())
        .isEqualTo("缺失的图");
    assertThat(cardEl.locator("[data-element-id=\"missing\"] img").count()).isZero();
    assertThat(imageEl.locator(".ock-img-placeholder").count()).isZero();
    imageEl.scrollIntoViewIfNeeded();
    page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("uploaded-images.png")));
    // the one failed load is the unknown key's (Chromium logs it); nothing else went wrong
    assertThat(PageErrors.of(page)).allMatch(e -> e.contains("status of 404"));
    PageErrors.expect(page, e -> e.contains("status of 404"));
  }

  @Test
  void templateCard_streamsLikeAnyCard() throws Exception {
    String data =
        Json.write(
            Json.object()
                .put("template_id", "AAqPageTpl001")
                .set(
                    "template_variable",
                    Json.parseOrNull(
                        "{\"title\":\"模板卡片\",\"steps\":[{\"step\":\"读取数据\"},{\"step\":\"生成图表\"}]}")));
    var created =
        sdk.cardkit()
            .v1()
            .card()
            .create(
                CreateCardReq.newBuilder()
                    .createCardReqBody(
                        CreateCardReqBody.newBuilder().type("template").data(data).build())
                    .build());
    assertThat(created.getCode()).as(created.getMsg()).isZero();
    String cardId = created.getData().getCardId();
    String messageId =
        bot.sendMessage(
            "interactive", "{\"type\":\"card\",\"data\":{\"card_id\":\"" + cardId + "\"}}");
    Page page = open();
    Locator card = page.locator("[data-message-id=\"" + messageId + "\"]");
    card.locator("[data-element-id=\"md\"]")
        .waitFor(
            new Locator.WaitForOptions()
                .setState(
                    com.microsoft.playwright.options.WaitForSelectorState
                        .ATTACHED)); // empty until streamed

    String finalText = "模板卡片的回答，一个字一个字地出现";
    bot.contentOk(cardId, "md", "模板卡片的回答");
    bot.contentOk(cardId, "md", finalText);
    page.waitForFunction(
        "([id, t]) => { const el = document.querySelector('[data-message-id=\"' + id + '\"] [data-element-id=\"md\"]');"
            + " return el && el.textContent.trim() === t; }",
        new Object[] {messageId, finalText},
        LONG);

    assertThat(card.locator(".ock-title").textContent()).isEqualTo("模板卡片");
    assertThat(card.textContent()).contains("已完成：读取数据", "已完成：生成图表");
    card.scrollIntoViewIfNeeded();
    page.screenshot(
        new Page.ScreenshotOptions().setPath(shots.resolve("template-card-streamed.png")));
    assertThat(PageErrors.of(page))
        .as("only the other test's unknown image key, when its message is in the history")
        .allMatch(e -> e.contains("status of 404"));
    PageErrors.expect(page, e -> e.contains("status of 404"));
  }

  private Page open() {
    Page page = browser.newPage();
    page.navigate(server.baseUrl() + "/?user=" + server.seed.alice);
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  private static void awaitLoaded(Page page, String selector) {
    page.waitForFunction(
        "(s) => { const img = document.querySelector(s); return img && img.complete && img.naturalWidth > 0; }",
        selector,
        LONG);
  }

  private static int naturalWidth(Page page, String selector) {
    return ((Number) page.evaluate("(s) => document.querySelector(s).naturalWidth", selector))
        .intValue();
  }

  private static String upload(byte[] png) throws Exception {
    File file = Files.write(Files.createTempFile("chart", ".png"), png).toFile();
    var resp =
        sdk.im()
            .v1()
            .image()
            .create(
                CreateImageReq.newBuilder()
                    .createImageReqBody(
                        CreateImageReqBody.newBuilder().imageType("message").image(file).build())
                    .build());
    assertThat(resp.getCode()).as(resp.getMsg()).isZero();
    return resp.getData().getImageKey();
  }

  /** A bar chart, so the screenshot shows that the real image arrived. */
  private static byte[] chart(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    int[] bars = {40, 75, 55, 95, 70};
    for (int i = 0; i < bars.length; i++) {
      g.setColor(new Color(0x3370FF));
      g.fillRect(20 + i * 44, height - 10 - bars[i], 30, bars[i]);
    }
    g.dispose();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
