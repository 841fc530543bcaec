package io.opencardkit.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.card.CardValidator;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class CardEngineContentTest {
  private static final String STREAMING_CARD =
      "{\"schema\":\"2.0\",\"config\":{\"streaming_mode\":true},"
          + "\"body\":{\"elements\":[{\"tag\":\"markdown\",\"element_id\":\"md\",\"content\":\"\"}]}}";

  @Test
  void growthOfAnAppendEqualsTheDifferenceOfTheWholeTexts() {
    String[] pieces = {"a", "\"", "é", "中", "\uD83D", "\uDE00", "\uD83D\uDE00", "\n"};
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String old = randomText(random, pieces);
      String content = old + randomText(random, pieces);
      assertThat(CardEngine.jsonGrowth(old, content, true))
          .as("old=%s content=%s", old, content)
          .isEqualTo(Json.jsonStringUtf8Length(content) - Json.jsonStringUtf8Length(old));
    }
  }

  @Test
  void appendsAreRefusedExactlyWhenTheCardWouldPassItsSizeLimit() {
    CardEngine engine = new CardEngine(Clock.systemUTC(), CardLimits.feishu());
    CardState state = new CardState("card1");
    state.apply(
        engine.create(
            "card1",
            "cli_a",
            (com.fasterxml.jackson.databind.node.ObjectNode) Json.parseOrNull(STREAMING_CARD)));
    int room = CardValidator.MAX_CARD_BYTES - state.cardBytes();
    StringBuilder text = new StringBuilder();
    int sequence = 0;
    while (Json.jsonStringUtf8Length(text) + 3 <= room) {
      text.append('中');
      Outcome accepted = put(engine, state, text.toString(), ++sequence);
      assertThat(accepted.refusal()).isNull();
    }
    Outcome refused = put(engine, state, text + "中", ++sequence);
    assertThat(refused.refusal()).isNotNull();
    assertThat(refused.refusal().code()).isEqualTo(ErrorCode.CARD_TOO_LARGE);
  }

  private static Outcome put(CardEngine engine, CardState state, String content, int sequence) {
    return engine.execute(
        state,
        new Mutation(
            Mutation.Kind.CONTENT,
            "cli_a",
            sequence,
            null,
            null,
            Json.object().put("element_id", "md").put("content", content)));
  }

  private static String randomText(Random random, String[] pieces) {
    StringBuilder b = new StringBuilder();
    for (int i = 0, n = random.nextInt(6); i < n; i++) {
      b.append(pieces[random.nextInt(pieces.length)]);
    }
    return b.toString();
  }
}
