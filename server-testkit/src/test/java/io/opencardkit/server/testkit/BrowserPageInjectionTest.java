package io.opencardkit.server.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

/** A test can be handed Alice's web chat in chromium, and sees the bot's message arrive there. */
@OpenCardKitTest
final class BrowserPageInjectionTest {
  @Test
  void alicesChat_showsWhatTheBotSends(Page alice, BotApi bot, TestSeed seed) throws Exception {
    BotApi.assertOk(bot.send("chat_id", seed.chatId, "text", "{\"text\":\"hello, Alice\"}"));

    alice.locator("[data-testid=\"chat-item\"][data-chat-id=\"" + seed.chatId + "\"]").click();
    alice
        .getByText("hello, Alice")
        .first()
        .waitFor(new com.microsoft.playwright.Locator.WaitForOptions().setTimeout(10_000));
    assertThat(PageErrors.unexpected(alice)).isEmpty();
  }
}
