package io.opencardkit.server.bots.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class CallbackResponseTest {
  @Test
  void parse_toastAndRawCard_areBothRead() throws Exception {
    CallbackResponse r =
        CallbackResponse.parse(
            "{\"toast\":{\"type\":\"success\",\"content\":\"Saved\"},\"card\":{\"type\":\"raw\",\"data\":{\"schema\":\"2.0\",\"body\":{\"elements\":[]}}}}",
            false);

    assertThat(r.toast()).isEqualTo(new Toast("success", "Saved"));
    assertThat(r.card().get("schema").asText()).isEqualTo("2.0");
  }

  @Test
  void parse_toastWithI18nOnly_usesChineseThenEnglish() throws Exception {
    assertThat(
            CallbackResponse.parse(
                    "{\"toast\":{\"type\":\"info\",\"i18n\":{\"en_us\":\"Done\",\"zh_cn\":\"完成\"}}}",
                    false)
                .toast()
                .content())
        .isEqualTo("完成");
  }

  @Test
  void parse_emptyOrSuccessMessage_meansNothingToDo() throws Exception {
    assertThat(CallbackResponse.parse("", false)).isEqualTo(CallbackResponse.NOTHING);
    assertThat(CallbackResponse.parse("{}", false)).isEqualTo(CallbackResponse.NOTHING);
    // What the SDKs answer when a handler returns nothing.
    assertThat(CallbackResponse.parse("{\"msg\":\"success\"}", false))
        .isEqualTo(CallbackResponse.NOTHING);
  }

  @Test
  void parse_cardDataAsString_isAccepted() throws Exception {
    assertThat(
            CallbackResponse.parse(
                    "{\"card\":{\"type\":\"raw\",\"data\":\"{\\\"schema\\\":\\\"2.0\\\"}\"}}",
                    false)
                .card()
                .get("schema")
                .asText())
        .isEqualTo("2.0");
  }

  @Test
  void parse_template_isRecognisedByItsId() throws Exception {
    assertThat(
            CallbackResponse.parse(
                    "{\"card\":{\"type\":\"template\",\"data\":{\"template_id\":\"AAq1\"}}}", false)
                .templateId())
        .isEqualTo("AAq1");
  }

  @Test
  void parse_legacyBareCard_isTheNewCard() throws Exception {
    CallbackResponse r = CallbackResponse.parse("{\"config\":{},\"elements\":[]}", true);

    assertThat(r.card().has("elements")).isTrue();
    assertThat(r.toast()).isNull();
  }

  @Test
  void parse_notJsonOrBadParts_isMalformed() {
    assertThatThrownBy(() -> CallbackResponse.parse("<html>", false))
        .isInstanceOf(CallbackResponse.Malformed.class);
    assertThatThrownBy(() -> CallbackResponse.parse("[1]", false))
        .isInstanceOf(CallbackResponse.Malformed.class);
    assertThatThrownBy(
            () ->
                CallbackResponse.parse("{\"toast\":{\"type\":\"loud\",\"content\":\"x\"}}", false))
        .isInstanceOf(CallbackResponse.Malformed.class);
    assertThatThrownBy(
            () -> CallbackResponse.parse("{\"card\":{\"type\":\"json\",\"data\":{}}}", false))
        .isInstanceOf(CallbackResponse.Malformed.class);
  }
}
