package io.opencardkit.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

final class SeedParserTest {
  private static Directory parse(String yaml) {
    return SeedParser.parse("seed.yaml", new StringReader(yaml));
  }

  private static final String VALID =
      "apps:\n"
          + "  - {app_id: cli_a00000000000000a, app_secret: \"s3cret\", name: Answer Bot}\n"
          + "users:\n"
          + "  - {open_id: ou_alice000000000000000000000000, name: Alice}\n"
          + "chats:\n"
          + "  - {chat_id: oc_general0000000000000000000000, name: General, members: [ou_alice000000000000000000000000, cli_a00000000000000a]}\n";

  @Test
  void parse_theDocumentedExample_buildsTheDirectory() {
    Directory directory = parse(VALID);
    assertThat(directory.app("cli_a00000000000000a"))
        .get()
        .extracting(App::name)
        .isEqualTo("Answer Bot");
    assertThat(directory.user("ou_alice000000000000000000000000")).isPresent();
    assertThat(directory.chat("oc_general0000000000000000000000").get().members()).hasSize(2);
  }

  @Test
  void parse_p2pChatOfABotAndAUser_existsImplicitly() {
    Directory directory = parse(VALID);
    String p2p = Directory.p2pChatId("cli_a00000000000000a", "ou_alice000000000000000000000000");
    assertThat(p2p).startsWith("oc_").hasSize(35);
    assertThat(directory.chat(p2p)).get().satisfies(c -> assertThat(c.isP2p()).isTrue());
  }

  @Test
  void parse_missingSecret_namesLineAndField() {
    String yaml = "apps:\n  - {app_id: cli_a1}\n";
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SeedException.class)
        .hasMessage("seed.yaml:2: apps[0].app_secret is required");
  }

  @Test
  void parse_badOpenId_namesLineAndField() {
    String yaml = VALID.replace("open_id: ou_alice000000000000000000000000", "open_id: alice");
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SeedException.class)
        .hasMessageContaining("seed.yaml:4: users[0].open_id: 'alice'");
  }

  @Test
  void parse_unknownMember_namesLineAndField() {
    String yaml =
        VALID.replace("members: [ou_alice000000000000000000000000,", "members: [ou_nobody,");
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SeedException.class)
        .hasMessageContaining("seed.yaml:6: chats[0].members[0]: ou_nobody");
  }

  @Test
  void parse_unknownField_isRefused() {
    String yaml = VALID.replace("name: Alice", "nme: Alice");
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SeedException.class)
        .hasMessageContaining("users[0].nme: unknown field");
  }

  @Test
  void parse_invalidYaml_namesTheLine() {
    assertThatThrownBy(() -> parse("apps:\n  - {app_id: [\n"))
        .isInstanceOf(SeedException.class)
        .hasMessageStartingWith("seed.yaml:");
  }

  @Test
  void parse_duplicateIds_areRefused() {
    String yaml =
        VALID.replace(
            "users:\n", "users:\n  - {open_id: ou_alice000000000000000000000000, name: Twin}\n");
    assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("defined twice");
  }

  @Test
  void app_toString_neverShowsTheSecret() {
    assertThat(parse(VALID).apps().get(0).toString()).doesNotContain("s3cret");
  }

  @Test
  void parse_deliverySettings_areReadAndDefaultToOff() {
    String yaml =
        VALID.replace(
            "name: Answer Bot}",
            "name: Answer Bot, event_url: \"http://127.0.0.1:9/events\", receive_all_group_messages: true, card_callback: card.action.trigger_v1}");
    App app = parse(yaml).apps().get(0);
    assertThat(app.eventUrl()).isEqualTo("http://127.0.0.1:9/events");
    assertThat(app.hearsAllGroupMessages()).isTrue();
    assertThat(app.legacyCardCallback()).isTrue();

    App plain = parse(VALID).apps().get(0);
    assertThat(plain.hearsAllGroupMessages()).isFalse();
    assertThat(plain.legacyCardCallback()).isFalse();
  }

  @Test
  void parse_receiveAllGroupMessagesNotABoolean_namesLineAndField() {
    String yaml =
        VALID.replace("name: Answer Bot}", "name: Answer Bot, receive_all_group_messages: often}");
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SeedException.class)
        .hasMessageContaining(
            "seed.yaml:2: apps[0].receive_all_group_messages: 'often' must be true or false");
  }

  @Test
  void parse_unknownCardCallback_isRefused() {
    String yaml =
        VALID.replace("name: Answer Bot}", "name: Answer Bot, card_callback: card.action}");
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(SeedException.class)
        .hasMessageContaining("apps[0].card_callback: 'card.action' must be one of");
  }

  @Test
  void directory_storedWithDeliverySettings_readsBackTheSame() throws Exception {
    String yaml =
        VALID.replace("name: Answer Bot}", "name: Answer Bot, receive_all_group_messages: true}");
    Directory directory = parse(yaml);
    String json = io.opencardkit.core.Json.MAPPER.writeValueAsString(directory.snapshot());
    Directory back =
        Directory.of(io.opencardkit.core.Json.MAPPER.readValue(json, Directory.Snapshot.class));
    assertThat(back.apps().get(0).hearsAllGroupMessages()).isTrue();
  }
}
