package io.opencardkit.server.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.Json;
import io.opencardkit.server.testkit.ExpectedLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading and reloading a templates directory; the reload is driven by calling {@code
 * refreshIfChanged} itself.
 */
final class TemplateLibraryTest {
  @TempDir Path dir;

  @Test
  void refreshIfChanged_newChangedAndRemovedFiles_takeEffect() throws IOException {
    write("T1.json", "first");
    TemplateLibrary library = TemplateLibrary.open(dir);
    assertThat(title(library, "T1", null)).isEqualTo("first");
    assertThat(library.refreshIfChanged()).as("nothing changed").isFalse();

    write(
        "T1.json",
        "second, longer"); // another size: a change whatever the file system's time resolution
    write("T1@1.0.0.json", "pinned");
    assertThat(library.refreshIfChanged()).isTrue();
    assertThat(title(library, "T1", null)).isEqualTo("second, longer");
    assertThat(title(library, "T1", "1.0.0")).isEqualTo("pinned");

    Files.delete(dir.resolve("T1@1.0.0.json"));
    assertThat(library.refreshIfChanged()).isTrue();
    assertThatThrownBy(() -> title(library, "T1", "1.0.0"))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code().code()).isEqualTo(200380));
  }

  @Test
  @ExpectedLog(
      logger = "io.opencardkit.server.templates.TemplateLibrary",
      message = "template T1.json not reloaded, its previous version stays in use")
  void refreshIfChanged_brokenEdit_keepsThePreviousVersionInUse() throws IOException {
    write("T1.json", "good");
    TemplateLibrary library = TemplateLibrary.open(dir);

    Files.writeString(
        dir.resolve("T1.json"), "{\"schema\":\"2.0\",\"body\":"); // saved half-way by an editor

    library.refreshIfChanged();
    assertThat(title(library, "T1", null)).isEqualTo("good");
    write("T1.json", "fixed again");
    library.refreshIfChanged();
    assertThat(title(library, "T1", null)).isEqualTo("fixed again");
  }

  @Test
  void open_brokenFileOrNoDirectory_failsNamingIt() throws IOException {
    Files.writeString(dir.resolve("Bad.json"), "{\"schema\":\"1.0\"}");
    Files.writeString(dir.resolve("notes.txt"), "not a template: ignored");

    assertThatThrownBy(() -> TemplateLibrary.open(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad.json");
    assertThatThrownBy(() -> TemplateLibrary.open(dir.resolve("missing")))
        .hasMessageContaining("not a directory");
  }

  @Test
  void none_answers200380ForEveryTemplate() {
    assertThatThrownBy(
            () -> TemplateLibrary.none().render(Json.parseOrNull("{\"template_id\":\"T1\"}")))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code().code()).isEqualTo(200380));
  }

  private void write(String name, String title) throws IOException {
    Files.writeString(
        dir.resolve(name),
        "{\"schema\":\"2.0\",\"header\":{\"title\":{\"tag\":\"plain_text\",\"content\":\""
            + title
            + " ${suffix}\"}},\"body\":{\"elements\":[]}}");
  }

  private static String title(TemplateLibrary library, String id, String version) {
    String data =
        "{\"template_id\":\""
            + id
            + "\""
            + (version == null ? "" : ",\"template_version_name\":\"" + version + "\"")
            + "}";
    JsonNode card = library.render(Json.parseOrNull(data));
    return card.at("/header/title/content").asText().strip();
  }
}
