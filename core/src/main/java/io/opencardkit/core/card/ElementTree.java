package io.opencardkit.core.card;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Element-level edits of a card JSON 2.0 tree, addressed by {@code element_id}.
 *
 * <p>Every method edits the tree it is given in place; callers that need all-or-nothing run it on a
 * copy. Structural rules that concern the whole card (unique ids, nesting, limits) are left to
 * {@link CardValidator#validate}, which callers run on the result.
 */
public final class ElementTree {
  /** Containers and the field that holds their children. */
  private static final Map<String, String> CHILDREN_FIELD =
      Map.of(
          "column_set", "columns",
          "column", "elements",
          "form", "elements",
          "interactive_container", "elements",
          "collapsible_panel", "elements");

  /** Components whose {@code content} the streaming API may set. */
  private static final Set<String> STREAMABLE = Set.of("markdown", "plain_text");

  private ElementTree() {}

  /**
   * Where an element sits: in an array of siblings, or as a named field of its parent (a text
   * object).
   */
  private record Location(
      ObjectNode node,
      @Nullable ArrayNode siblings,
      int index,
      @Nullable ObjectNode parent,
      @Nullable String field) {
    boolean inArray() {
      return siblings != null;
    }

    /** The array it sits in; only when {@link #inArray}. */
    ArrayNode array() {
      return Objects.requireNonNull(siblings, "not in an array");
    }

    /** The object it is a field of; only when not {@link #inArray}. */
    ObjectNode owner() {
      return Objects.requireNonNull(parent, "not a field");
    }
  }

  /** Returns the element with this id, or {@code null}. */
  public static @Nullable ObjectNode find(ObjectNode card, @Nullable String elementId) {
    Location location = locate(card, elementId);
    return location == null ? null : location.node();
  }

  /**
   * Returns the text element a content update targets; refuses unknown ids (300313) and non-text
   * ones (300310).
   */
  public static ObjectNode streamTarget(ObjectNode card, String elementId) {
    ObjectNode node = find(card, elementId);
    if (node == null) {
      throw notFound(ErrorCode.UPDATE_ELEMENT_FAILED, elementId);
    }
    if (!STREAMABLE.contains(node.path("tag").asText())) {
      throw ApiException.of(
          ErrorCode.ONLY_TEXT,
          elementId + " is a " + node.path("tag").asText() + ", not markdown or plain_text");
    }
    return node;
  }

  /** The text of a streamable element ({@code ""} when it has none yet). */
  public static String content(ObjectNode textElement) {
    JsonNode content = textElement.get("content");
    return content == null || content.isNull() ? "" : content.asText();
  }

  /**
   * Inserts elements {@code insert_before}/{@code insert_after} a target, or {@code append}s them.
   */
  public static void insert(
      ObjectNode card, String type, @Nullable String targetId, List<ObjectNode> elements) {
    ArrayNode siblings;
    int index;
    switch (type) {
      case "insert_before":
      case "insert_after":
        {
          Location target = requireArrayLocation(card, targetId, type);
          siblings = target.array();
          index = "insert_before".equals(type) ? target.index() : target.index() + 1;
          break;
        }
      case "append":
        {
          siblings = appendTarget(card, targetId);
          index = siblings.size();
          break;
        }
      default:
        throw ApiException.of(
            ErrorCode.INVALID_PARAMETER,
            "type must be insert_before, insert_after or append: " + type);
    }
    for (ObjectNode element : elements) {
      siblings.insert(index++, element);
    }
  }

  /** Replaces an element with a new one; the new one keeps the old id unless it brings its own. */
  public static void replace(ObjectNode card, String elementId, ObjectNode element) {
    Location location = locate(card, elementId);
    if (location == null) {
      throw notFound(ErrorCode.REPLACE_ELEMENT_FAILED, elementId);
    }
    if (!element.has("element_id")) {
      element.put("element_id", elementId);
    }
    put(location, element);
  }

  /**
   * Overwrites properties of an element (shallow merge); {@code tag} may not change, {@code
   * element_id} may.
   */
  public static void patch(ObjectNode card, String elementId, ObjectNode partial) {
    ObjectNode node = find(card, elementId);
    if (node == null) {
      throw notFound(ErrorCode.UPDATE_ELEMENT_FAILED, elementId);
    }
    JsonNode tag = partial.get("tag");
    if (tag != null && !tag.equals(node.get("tag"))) {
      throw ApiException.of(
          ErrorCode.TAG_CHANGE, elementId + ": tag " + node.path("tag") + " cannot become " + tag);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = partial.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      node.set(field.getKey(), field.getValue().deepCopy());
    }
  }

  /** Removes an element and everything inside it. */
  public static void delete(ObjectNode card, String elementId) {
    Location location = locate(card, elementId);
    if (location == null) {
      throw notFound(ErrorCode.DELETE_ELEMENT_FAILED, elementId);
    }
    if (location.inArray()) {
      location.array().remove(location.index());
    } else {
      location.owner().remove(location.field());
    }
  }

  /** Sets the text of a streamable element. */
  public static void setContent(ObjectNode textElement, String text) {
    textElement.put("content", text);
  }

  private static ArrayNode appendTarget(ObjectNode card, @Nullable String targetId) {
    if (targetId == null || targetId.isEmpty()) {
      ObjectNode body =
          card.has("body") && card.get("body").isObject()
              ? (ObjectNode) card.get("body")
              : card.putObject("body");
      return arrayField(body, "elements");
    }
    ObjectNode target = find(card, targetId);
    if (target == null) {
      throw notFound(ErrorCode.ADD_ELEMENT_FAILED, targetId);
    }
    String childrenField = CHILDREN_FIELD.get(target.path("tag").asText());
    if (childrenField == null) {
      throw ApiException.of(
          ErrorCode.ADD_ELEMENT_FAILED,
          "append target "
              + targetId
              + " is a "
              + target.path("tag").asText()
              + ", not a container");
    }
    return arrayField(target, childrenField);
  }

  private static ArrayNode arrayField(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing != null && existing.isArray()) {
      return (ArrayNode) existing;
    }
    return parent.putArray(field);
  }

  private static Location requireArrayLocation(
      ObjectNode card, @Nullable String targetId, String type) {
    if (targetId == null || targetId.isEmpty()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER, "target_element_id is required for " + type);
    }
    Location target = locate(card, targetId);
    if (target == null) {
      throw notFound(ErrorCode.ADD_ELEMENT_FAILED, targetId);
    }
    if (!target.inArray()) {
      throw ApiException.of(
          ErrorCode.ADD_ELEMENT_FAILED, targetId + " is a text object, not a component in a list");
    }
    return target;
  }

  private static void put(Location location, ObjectNode element) {
    if (location.inArray()) {
      location.array().set(location.index(), element);
    } else {
      location.owner().set(location.field(), element);
    }
  }

  private static ApiException notFound(ErrorCode code, String elementId) {
    return new ApiException(code, "ErrMsg: not find elementID : " + elementId + "; ");
  }

  /** Finds an element anywhere under the header and body. */
  private static @Nullable Location locate(ObjectNode card, @Nullable String elementId) {
    if (elementId == null) {
      return null;
    }
    Location found = search(card.get("body"), null, null, -1, null, null, elementId);
    return found != null
        ? found
        : search(card.get("header"), null, null, -1, null, null, elementId);
  }

  private static @Nullable Location search(
      @Nullable JsonNode node,
      @Nullable ObjectNode parent,
      @Nullable ArrayNode siblings,
      int index,
      @Nullable ObjectNode fieldParent,
      @Nullable String field,
      String id) {
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode ownId = object.get("element_id");
      if (ownId != null && id.equals(ownId.asText()) && (siblings != null || fieldParent != null)) {
        return new Location(object, siblings, index, fieldParent, field);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> child = it.next();
        if (CardValidator.OPAQUE_FIELDS.contains(child.getKey())) {
          // The bot's own data (e.g. a button's callback value saying which element it is about),
          // not elements: the
          // validator skips it too, so an element_id in there must not shadow the real element.
          continue;
        }
        Location found = search(child.getValue(), object, null, -1, object, child.getKey(), id);
        if (found != null) {
          return found;
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        Location found = search(array.get(i), parent, array, i, null, null, id);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
