package io.opencardkit.server.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import io.opencardkit.core.engine.CardEngine;
import io.opencardkit.core.template.TemplateCatalog;
import io.opencardkit.core.template.TemplateRenderer;
import io.opencardkit.core.template.TemplateRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The card templates of {@code serve --templates DIR}: {@code DIR/<template_id>.json} (the latest
 * version) and {@code DIR/<template_id>@<version>.json}, card JSON 2.0 as the card builder exports
 * it, with its variables (see {@link TemplateRenderer}). Without a directory no template exists and
 * every request for one hears 200380.
 *
 * <p>Implementation notes: the catalog in use is immutable and swapped whole, so renders never
 * lock. {@link #refreshIfChanged} (the server calls it every second; tests call it directly,
 * deterministically) compares each file's size and modification time with the last scan and reads
 * only the files that changed. A file that does not parse keeps its previous version in use (and is
 * logged); at start-up it stops the server, as a bad seed does.
 */
public final class TemplateLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(TemplateLibrary.class);

  private final Path dir; // null: no templates
  private volatile TemplateCatalog catalog = TemplateCatalog.empty();
  private Map<String, Loaded> files = Map.of(); // by file name; guarded by this

  /** A file as last read: what its stamp was and the card it gave (null when it never parsed). */
  private record Loaded(Stamp stamp, TemplateCatalog.FileKey key, ObjectNode card) {}

  private record Stamp(long size, long modifiedNanos) {}

  private TemplateLibrary(Path dir) {
    this.dir = dir;
  }

  /** No templates. */
  public static TemplateLibrary none() {
    return new TemplateLibrary(null);
  }

  /**
   * Reads every template of {@code dir}.
   *
   * @throws IllegalArgumentException naming the file and the problem when {@code dir} is not a
   *     readable directory or a template file is not card JSON 2.0
   */
  public static TemplateLibrary open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--templates " + dir + ": not a directory");
    }
    TemplateLibrary library = new TemplateLibrary(dir);
    library.scan(true);
    return library;
  }

  /** The directory, if templates are served. */
  public Optional<Path> directory() {
    return Optional.ofNullable(dir);
  }

  /** How many templates (ids) are served now. */
  public int size() {
    return catalog.size();
  }

  /**
   * Reads what changed in the directory since the last scan: new, changed and removed files.
   *
   * @return whether the templates in use changed
   */
  public synchronized boolean refreshIfChanged() {
    if (dir == null) {
      return false;
    }
    try {
      return scan(false);
    } catch (RuntimeException e) {
      LOG.warn("cannot read the templates directory {}: {}", dir, e.getMessage());
      return false;
    }
  }

  /**
   * The card JSON of a {@code type: template} card's {@code data}, its variables filled in.
   *
   * @throws ApiException 10002 for malformed data, 200380 for an unknown template or version,
   *     200732 / 200737 for a variable of the wrong type or format
   */
  public ObjectNode render(JsonNode data) {
    TemplateRequest request = TemplateRequest.of(data);
    return TemplateRenderer.render(catalog.card(request), request.variables());
  }

  /**
   * The content of an IM card message with its template, if it names one, replaced by the rendered
   * card JSON; any other content is returned as it is. Refusals come as the IM API answers them:
   * 230001 for malformed template data, else 230099 with the template's sub-code.
   */
  public String expandMessageContent(String content) {
    JsonNode parsed = Json.parseOrNull(content);
    if (parsed == null || !parsed.isObject() || !"template".equals(parsed.path("type").asText())) {
      return content;
    }
    JsonNode data = parsed.get("data");
    if (data != null && data.isTextual()) {
      data = Json.parseOrNull(data.asText()); // some bots send the template data as a JSON string
    }
    try {
      return Json.write(render(data));
    } catch (ApiException e) {
      if (e.code() == ErrorCode.INVALID_PARAMETER) {
        throw new ApiException(ErrorCode.IM_INVALID_PARAM, e.getMessage());
      }
      throw CardEngine.imCardError(e.code().code(), e.getMessage());
    }
  }

  private boolean scan(boolean strict) {
    Map<String, Stamp> now = stamps();
    Map<String, Loaded> next = new HashMap<>();
    boolean changed = !now.keySet().equals(files.keySet());
    for (Map.Entry<String, Stamp> file : now.entrySet()) {
      Loaded before = files.get(file.getKey());
      if (before != null && before.stamp().equals(file.getValue())) {
        next.put(file.getKey(), before);
        continue;
      }
      changed = true;
      TemplateCatalog.FileKey key = TemplateCatalog.keyOf(file.getKey()).orElseThrow();
      try {
        next.put(file.getKey(), new Loaded(file.getValue(), key, read(dir.resolve(file.getKey()))));
      } catch (IllegalArgumentException e) {
        if (strict) {
          throw e;
        }
        LOG.warn(
            "template {} not reloaded, its previous version stays in use: {}",
            file.getKey(),
            e.getMessage());
        next.put(
            file.getKey(), new Loaded(file.getValue(), key, before == null ? null : before.card()));
      }
    }
    files = next;
    if (changed) {
      Map<TemplateCatalog.FileKey, ObjectNode> cards = new HashMap<>();
      next.values().stream()
          .filter(l -> l.card() != null)
          .forEach(l -> cards.put(l.key(), l.card()));
      catalog = TemplateCatalog.of(cards);
      LOG.info("{} card templates from {}", catalog.size(), dir);
    }
    return changed;
  }

  /** The template files of the directory and their stamps. */
  private Map<String, Stamp> stamps() {
    try (Stream<Path> listing = Files.list(dir)) {
      List<Path> templates =
          listing
              .filter(p -> TemplateCatalog.keyOf(p.getFileName().toString()).isPresent())
              .filter(Files::isRegularFile)
              .collect(Collectors.toList());
      Map<String, Stamp> stamps = new HashMap<>();
      for (Path p : templates) {
        BasicFileAttributes attributes = Files.readAttributes(p, BasicFileAttributes.class);
        stamps.put(
            p.getFileName().toString(),
            new Stamp(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)));
      }
      return stamps;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** A template file's card: a JSON object declaring schema 2.0, its loop containers complete. */
  private static ObjectNode read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read: " + e.getMessage());
    }
    JsonNode card = Json.parseOrNull(text);
    if (card == null || !card.isObject()) {
      throw new IllegalArgumentException(
          file + ": not a JSON object (export the card JSON from the card builder)");
    }
    if (!"2.0".equals(card.path("schema").asText())) {
      throw new IllegalArgumentException(
          file
              + ": schema must be \"2.0\" (only new-style cards can be templates of card entities)");
    }
    List<String> problems = TemplateRenderer.problems(card);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
    }
    return (ObjectNode) card;
  }
}
