package io.opencardkit.server.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.lark.oapi.event.cardcallback.model.CallBackCard;
import com.lark.oapi.event.cardcallback.model.P2CardActionTriggerResponse;
import com.lark.oapi.service.im.v1.model.DeleteMessageReq;
import com.lark.oapi.service.im.v1.model.UpdateMessageReq;
import com.lark.oapi.service.im.v1.model.UpdateMessageReqBody;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.BoundingBox;
import io.opencardkit.server.testkit.BrowserFixture;
import io.opencardkit.server.testkit.PageErrors;
import io.opencardkit.server.testkit.SdkBot;
import io.opencardkit.server.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What people see around a bot's answer: the bot's toast after a click (then OpenCardKit's own
 * notices), a recalled message replaced by its notice, an edited message with its new text, and the
 * inspector beside the card it inspects.
 */
final class BotNoticesTest {
  static final String CARD_WITH_BUTTON =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":%s},\"body\":{\"elements\":["
          + "{\"tag\":\"markdown\",\"content\":\"%s\",\"element_id\":\"md\"},"
          + "{\"tag\":\"button\",\"element_id\":\"like\",\"text\":{\"tag\":\"plain_text\",\"content\":\"有帮助\"},"
          + "\"behaviors\":[{\"type\":\"callback\",\"value\":{\"vote\":\"up\"}}]}]}}";

  /** Where the screenshots of this issue go, to be looked at by a person. */
  static final Path SCREENSHOTS = Paths.get("/work/screenshots/issue11");

  private static TestServer server;
  private static BrowserFixture browser;
  private static Bot bot;
  private static SdkBot callbacks;

  @BeforeAll
  static void startAll() {
    server = TestServer.start(Clock.systemUTC(), Duration.ofMinutes(10));
    browser = BrowserFixture.launch();
    bot = new Bot(server);
    callbacks = SdkBot.connect(server);
  }

  @AfterAll
  static void stopAll() throws Exception {
    callbacks.close();
    browser.close();
    server.close();
  }

  private Page openAs(String openId, int width, int height) {
    Page page = browser.newPage();
    page.setViewportSize(width, height);
    page.navigate(server.baseUrl() + "/?user=" + openId);
    page.locator("[data-testid=\"chat-item\"]").first().waitFor();
    page.locator("[data-testid=\"connection-status\"][data-status=\"open\"]").waitFor();
    return page;
  }

  private static Locator message(Page page, String messageId) {
    return page.locator("[data-testid=\"message\"][data-message-id=\"" + messageId + "\"]");
  }

  @Test
  void toast_theBotsAnswerToAClick_isShownWithItsText() throws Exception {
    Page page = openAs(server.seed.alice, 1280, 800);
    bot.sendCard(String.format(CARD_WITH_BUTTON, false, "这个回答有帮助吗？"));
    Locator card = message(page, bot.lastMessageId());
    callbacks.cardAnswer = e -> SdkBot.toast("success", "谢谢反馈");

    card.locator("[data-element-id=\"like\"]").click();

    Locator toast = page.locator("[data-testid=\"toast\"]");
    assertThat(toast).hasCount(1);
    assertThat(toast).hasAttribute("data-type", "success");
    assertThat(toast.locator("[data-testid=\"toast-text\"]")).hasText("谢谢反馈");
    assertThat(toast).isVisible();
    Files.createDirectories(SCREENSHOTS);
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("toast.png")));
    // A toast is gone after a few seconds, as in the client.
    assertThat(toast)
        .hasCount(
            0,
            new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                .setTimeout(8_000));
    assertThat(PageErrors.of(page)).isEmpty();
  }

  @Test
  void toast_openCardKitsNotice_followsTheBotsToast() throws Exception {
    Page page = openAs(server.seed.alice, 1280, 800);
    String cardId = bot.sendCard(String.format(CARD_WITH_BUTTON, true, ""));
    bot.contentOk(cardId, "md", "还在生成");
    Locator card = message(page, bot.lastMessageId());
    callbacks.cardAnswer =
        e -> {
          P2CardActionTriggerResponse answer = SdkBot.toast("info", "已收到你的反馈");
          CallBackCard replacement = new CallBackCard();
          replacement.setType("raw");
          replacement.setData(
              new Gson().fromJson(String.format(CARD_WITH_BUTTON, false, "谢谢"), Map.class));
          answer.setCard(replacement);
          return answer;
        };

    card.locator("[data-element-id=\"like\"]").click();

    Locator texts = page.locator("[data-testid=\"toast\"] [data-testid=\"toast-text\"]");
    assertThat(texts).hasCount(2);
    assertThat(texts.nth(0)).hasText("已收到你的反馈");
    assertThat(page.locator("[data-testid=\"toast\"]").nth(0)).hasAttribute("data-type", "info");
    assertThat(page.locator("[data-testid=\"toast\"]").nth(1)).hasAttribute("data-type", "warning");
    assertThat(texts.nth(1)).containsText("streaming");
    assertThat(card).containsText("还在生成"); // the streaming card kept its content
  }

  @Test
  void recall_replacesTheMessageWithTheNoticeForEveryViewer() throws Exception {
    Page alice = openAs(server.seed.alice, 1280, 800);
    Page bob = openAs(server.seed.bob, 1280, 800);
    String messageId = bot.sendMessage("text", "{\"text\":\"思考中，请稍候…\"}");
    assertThat(message(alice, messageId)).containsText("思考中，请稍候");
    assertThat(message(bob, messageId)).containsText("思考中，请稍候");

    int code =
        server
            .client()
            .im()
            .v1()
            .message()
            .delete(DeleteMessageReq.newBuilder().messageId(messageId).build())
            .getCode();

    assertThat(code).isZero();
    for (Page page : new Page[] {alice, bob}) {
      assertThat(message(page, messageId).locator("[data-testid=\"recall-notice\"]"))
          .hasText("Answer Bot 撤回了一条消息");
      assertThat(message(page, messageId)).not().containsText("思考中");
      assertThat(
              page.locator(
                  "[data-testid=\"chat-item\"][data-chat-id=\""
                      + server.seed.chatId
                      + "\"] [data-testid=\"chat-preview\"]"))
          .hasText("此消息已撤回");
    }
    // A reload shows it the same way (the message list carries the recall).
    alice.reload();
    assertThat(message(alice, messageId).locator("[data-testid=\"recall-notice\"]"))
        .hasText("Answer Bot 撤回了一条消息");
    Files.createDirectories(SCREENSHOTS);
    alice.screenshot(
        new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("recalled-message.png")));
    assertThat(PageErrors.of(alice)).isEmpty();
  }

  @Test
  void edit_showsTheNewTextLiveWithAnEditedMark() throws Exception {
    Page bob = openAs(server.seed.bob, 1280, 800);
    String messageId = bot.sendMessage("text", "{\"text\":\"答案是 41\"}");
    assertThat(message(bob, messageId)).containsText("答案是 41");

    int code =
        server
            .client()
            .im()
            .v1()
            .message()
            .update(
                UpdateMessageReq.newBuilder()
                    .messageId(messageId)
                    .updateMessageReqBody(
                        UpdateMessageReqBody.newBuilder()
                            .msgType("text")
                            .content("{\"text\":\"答案是 42\"}")
                            .build())
                    .build())
            .getCode();

    assertThat(code).isZero();
    assertThat(message(bob, messageId)).containsText("答案是 42");
    assertThat(message(bob, messageId)).not().containsText("答案是 41");
    assertThat(message(bob, messageId).locator("[data-testid=\"edited-mark\"]")).hasText("已编辑");
    bob.reload();
    assertThat(message(bob, messageId)).containsText("答案是 42");
    assertThat(message(bob, messageId).locator("[data-testid=\"edited-mark\"]")).isVisible();
    Files.createDirectories(SCREENSHOTS);
    bob.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("edited-message.png")));
  }

  @Test
  void inspector_sitsBesideTheCard_neverOverIt_at1280x800AndWider() throws Exception {
    String cardId =
        bot.sendCard(String.format(CARD_WITH_BUTTON, false, "被检查的卡片：" + "很长的一段回答，".repeat(12)));
    String messageId = bot.lastMessageId();
    for (int[] size : new int[][] {{1280, 800}, {1440, 900}, {1920, 1080}}) {
      Page page = openAs(server.seed.alice, size[0], size[1]);
      Locator message = message(page, messageId);
      message.locator("[data-testid=\"inspect-button\"]").click();
      Locator inspector = page.locator("[data-testid=\"inspector\"]");
      assertThat(inspector).isVisible();
      assertThat(inspector).containsText(cardId);
      message.scrollIntoViewIfNeeded();

      BoundingBox card = message.locator(".ock-card").first().boundingBox();
      BoundingBox panel = inspector.boundingBox();
      BoundingBox messages = page.locator("[data-testid=\"messages\"]").boundingBox();

      String at = size[0] + "x" + size[1];
      assertThat(card.x + card.width)
          .as("card's right edge at %s", at)
          .isLessThanOrEqualTo(panel.x);
      assertThat(card.x + card.width)
          .as("card inside the message list at %s", at)
          .isLessThanOrEqualTo(messages.x + messages.width);
      assertThat(panel.x + panel.width)
          .as("panel inside the window at %s", at)
          .isLessThanOrEqualTo(size[0]);
      assertThat(card.width)
          .as("card keeps a readable width at %s", at)
          .isGreaterThanOrEqualTo(400);
      Files.createDirectories(SCREENSHOTS);
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("inspector-" + at + ".png")));
      assertThat(PageErrors.of(page)).isEmpty();
    }
  }
}
