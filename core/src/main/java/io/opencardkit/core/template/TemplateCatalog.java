package io.opencardkit.core.template;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The published card templates: for each template id, its latest card JSON and its named versions,
 * as the files {@code <template_id>.json} and {@code <template_id>@<version>.json} of a templates
 * directory hold them. Immutable; a changed directory makes a new catalog.
 */
public final class TemplateCatalog {
  /**
   * {@code <id>.json} or {@code <id>@<version>.json}; ids as the card builder makes them, versions
   * as it names them.
   */
  private static final Pattern FILE_NAME =
      Pattern.compile("([A-Za-z0-9_-]{1,100})(?:@([A-Za-z0-9._-]{1,64}))?\\.json");

  private static final TemplateCatalog EMPTY = new TemplateCatalog(Map.of());

  private final Map<String, Template> templates;

  private TemplateCatalog(Map<String, Template> templates) {
    this.templates = templates;
  }

  /**
   * One template: the file without a version (or null), and the versioned files by version name.
   */
  private record Template(@Nullable ObjectNode latest, TreeMap<String, ObjectNode> versions) {}

  /**
   * A file name's template id and version ({@code null} for the latest); empty when it names no
   * template file.
   */
  public record FileKey(String templateId, @Nullable String version) {}

  public static TemplateCatalog empty() {
    return EMPTY;
  }

  /**
   * The template id and version a file name stands for, or empty when the file is not a template
   * file.
   */
  public static Optional<FileKey> keyOf(String fileName) {
    Matcher m = FILE_NAME.matcher(fileName);
    return m.matches() ? Optional.of(new FileKey(m.group(1), m.group(2))) : Optional.empty();
  }

  /**
   * A catalog of the given cards by file key (each card is used as given: do not change it
   * afterwards).
   */
  public static TemplateCatalog of(Map<FileKey, ObjectNode> cards) {
    Map<String, Template> templates = new HashMap<>();
    cards.forEach(
        (key, card) -> {
          Objects.requireNonNull(card, "card");
          Template t =
              templates.computeIfAbsent(
                  key.templateId(), id -> new Template(null, new TreeMap<>(Versions.ORDER)));
          if (key.version() == null) {
            templates.put(key.templateId(), new Template(card, t.versions()));
          } else {
            t.versions().put(key.version(), card);
          }
        });
    return new TemplateCatalog(Collections.unmodifiableMap(templates));
  }

  /** How many templates (ids) the catalog holds. */
  public int size() {
    return templates.size();
  }

  /**
   * The card JSON of the version a request asks for: the named version, or without a name the
   * latest file, else the highest version. The returned tree is shared: render a copy of it ({@link
   * TemplateRenderer} does).
   *
   * @throws ApiException {@link ErrorCode#TEMPLATE_NOT_FOUND} when the template or the version is
   *     not published
   */
  public ObjectNode card(TemplateRequest request) {
    Template template = templates.get(request.templateId());
    ObjectNode card = null;
    if (template != null) {
      if (request.versionName() != null) {
        card = template.versions().get(request.versionName());
      } else {
        card =
            template.latest() != null
                ? template.latest()
                : template.versions().isEmpty() ? null : template.versions().lastEntry().getValue();
      }
    }
    if (card == null) {
      throw new ApiException(
          ErrorCode.TEMPLATE_NOT_FOUND,
          ErrorCode.TEMPLATE_NOT_FOUND.message() + "; ErrorValue: " + request.describe());
    }
    return card;
  }
}
