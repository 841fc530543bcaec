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
    assertThat(directory.app("cli_a00000000000000a")).get().extracting(App::name).isEqualTo("Answer Bot");
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
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SeedException.class).hasMessage("seed.yaml:2: apps[0].app_secret is required");
  }

  @Test
  void parse_badOpenId_namesLineAndField() {
    String yaml = VALID.replace("open_id: ou_alice000000000000000000000000", "open_id: alice");
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SeedException.class).hasMessageContaining("seed.yaml:4: users[0].open_id: 'alice'");
  }

  @Test
  void parse_unknownMember_namesLineAndField() {
    String yaml = VALID.replace("members: [ou_alice000000000000000000000000,", "members: [ou_nobody,");
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SeedException.class).hasMessageContaining("seed.yaml:6: chats[0].members[0]: ou_nobody");
  }

  @Test
  void parse_unknownField_isRefused() {
    String yaml = VALID.replace("name: Alice", "nme: Alice");
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(SeedException.class).hasMessageContaining("users[0].nme: unknown field");
  }

  @Test
  void parse_invalidYaml_namesTheLine() {
    assertThatThrownBy(() -> parse("apps:\n  - {app_id: [\n")).isInstanceOf(SeedException.class).hasMessageStartingWith("seed.yaml:");
  }

  @Test
  void parse_duplicateIds_areRefused() {
    String yaml = VALID.replace("users:\n", "users:\n  - {open_id: ou_alice000000000000000000000000, name: Twin}\n");
    assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("defined twice");
  }

  @Test
  void app_toString_neverShowsTheSecret() {
    assertThat(parse(VALID).apps().get(0).toString()).doesNotContain("s3cret");
  }
}
