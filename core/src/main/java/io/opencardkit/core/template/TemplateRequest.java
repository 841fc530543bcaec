package io.opencardkit.core.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opencardkit.core.ApiException;
import io.opencardkit.core.ErrorCode;
import io.opencardkit.core.Json;
import org.jspecify.annotations.Nullable;

/**
 * What a bot asks for when it sends a card built with the card builder: {@code {"template_id":…,
 * "template_version_name":…, "template_variable":{…}}}, the {@code data} of a {@code type:
 * template} card.
 *
 * @param templateId the template
 * @param versionName the published version, or {@code null} for the latest
 * @param variables the variables' values by name (empty when none were given)
 */
public record TemplateRequest(
    String templateId, @Nullable String versionName, ObjectNode variables) {
  private static final int MAX_ID = 100;

  /**
   * Reads the template data of a request.
   *
   * @throws ApiException {@link ErrorCode#INVALID_PARAMETER} naming the field when {@code data} is
   *     not an object, {@code template_id} is missing or not a string, or {@code
   *     template_version_name} / {@code template_variable} have the wrong type
   */
  public static TemplateRequest of(JsonNode data) {
    if (data == null || !data.isObject()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "template data must be a JSON object");
    }
    JsonNode id = data.get("template_id");
    if (id == null || !id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_ID) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "template_id is required: a string of 1.." + MAX_ID + " characters");
    }
    JsonNode version = data.get("template_version_name");
    if (version != null && !version.isNull() && !version.isTextual()) {
      throw ApiException.of(ErrorCode.INVALID_PARAMETER, "template_version_name must be a string");
    }
    JsonNode variables = data.get("template_variable");
    if (variables != null && !variables.isNull() && !variables.isObject()) {
      throw ApiException.of(
          ErrorCode.INVALID_PARAMETER,
          "template_variable must be a JSON object of the variables' values");
    }
    String versionName =
        version == null || version.isNull() || version.asText().isEmpty() ? null : version.asText();
    ObjectNode values = variables instanceof ObjectNode ? (ObjectNode) variables : Json.object();
    return new TemplateRequest(id.asText(), versionName, values);
  }

  /**
   * What error messages call the template: {@code templateID: X} (and the version when one was
   * asked for).
   */
  String describe() {
    return "templateID: "
        + templateId
        + (versionName == null ? "" : ", template_version_name: " + versionName);
  }
}
