package io.opencardkit.core;

/**
 * The Feishu error codes OpenCardKit answers with, in one place.
 *
 * <p>The HTTP status is derived from the code, never chosen at the call site: business errors are
 * 400 as on Feishu, the gateway rate limit is 429, an unknown path is 404 and a storage outage is
 * 503.
 */
public enum ErrorCode {
  OK(0, 200, "success"),
  INVALID_PARAMETER(10002, 400, "Your request contains an invalid request parameter."),
  WRONG_APP_SECRET(10014, 400, "app secret invalid"),
  CARD_CONTENT_FAILED(200220, 400, "Failed to generate card content"),
  CARD_NOT_FOUND(200740, 400, "The card entity does not exist"),
  CARD_EXPIRED(200750, 400, "The card entity has expired"),
  UUID_CONFLICT(200770, 400, "UUID conflict"),
  CARD_IN_INTERACTION(200810, 400, "The card is in an ongoing interaction and cannot be updated"),
  STREAMING_TIMEOUT(200850, 400, "ErrMsg: card streaming timeout; "),
  CARD_TOO_LARGE(200860, 400, "Card content exceeds limit."),
  INTERNAL(300000, 500, "Server Internal Error"),
  REPLACE_ELEMENT_FAILED(300121, 400, "Failed to replace element"),
  UPDATE_SETTINGS_FAILED(300122, 400, "Failed to update card configuration"),
  DUPLICATE_ELEMENT_ID(300301, 400, "Duplicate element_id in card component."),
  UPDATE_MULTI_FALSE(300302, 400, "update_multi property is false"),
  SCHEMA_NOT_2(300303, 400, "Only schema 2.0 is supported"),
  TOO_MANY_COMPONENTS(300305, 400, "ErrMsg: element exceeds the limit; "),
  EMPTY_DSL(300307, 400, "The card DSL is empty"),
  STREAMING_CLOSED(300309, 400, "ErrMsg: streaming mode is closed; "),
  ONLY_TEXT(300310, 400, "Only update text"),
  NOT_CARD_OWNER(
      300311, 400, "The current application does not have permission to update/use this card"),
  TAG_CHANGE(300312, 400, "Unable to update element tag"),
  UPDATE_ELEMENT_FAILED(300313, 400, "Failed to update element properties"),
  DELETE_ELEMENT_FAILED(300314, 400, "Failed to delete element"),
  ADD_ELEMENT_FAILED(300315, 400, "Failed to add element"),
  SEQUENCE_NOT_INCREASING(300317, 400, "sequence number compare failed"),
  IM_INVALID_PARAM(230001, 400, "Your request contains an invalid request parameter."),
  IM_BOT_NOT_IN_CHAT(230002, 400, "Bot/User can NOT be out of the chat."),
  IM_MESSAGE_NOT_FOUND(230011, 400, "The message is not found, maybe not exist or deleted."),
  IM_CONTENT_TOO_LONG(230025, 400, "The length of the message content reaches its limit."),
  IM_NO_PERMISSION(230027, 400, "Lack of necessary permissions."),
  IM_MESSAGE_TOO_OLD(230031, 400, "The message has exceeded the time limit for updates (14 days)."),
  IM_CARD_CONTENT_FAILED(230099, 400, "Failed to create card content"),
  IM_INVALID_RECEIVE_ID(230034, 400, "The receive_id is invalid."),
  REACTION_TYPE_INVALID(231001, 400, "reaction type is invalid."),
  REACTION_NO_PERMISSION(
      231002, 400, "The operator has no permission to react on the specific message."),
  REACTION_MESSAGE_NOT_FOUND(231003, 400, "The message is not found, maybe not exist or deleted."),
  REACTION_NOT_OWN(231007, 400, "The operator has no permission to delete this reaction."),
  REACTION_NOT_OF_MESSAGE(231010, 400, "The reaction does not belong to the message."),
  REACTION_ID_INVALID(231011, 400, "The request has an invalid reaction_id."),
  REACTION_PAGE_TOKEN_INVALID(231012, 400, "The request has an invalid pageToken."),
  CONTACT_NO_USER_AUTHORITY(41050, 400, "no user authority error"),
  // Card templates (issue 11): the sub-codes Feishu documents under 230099, answered directly by
  // CardKit create.
  TEMPLATE_NOT_FOUND(
      200380,
      400,
      "template does not exist, please confirm whether this template has been released"),
  TEMPLATE_VARIABLE_TYPE(
      200732,
      400,
      "the actual type of the variable is inconsistent with the specified type in the template. Please check the type of the variable"),
  TEMPLATE_VARIABLE_FORMAT(
      200737,
      400,
      "the format of the variable is incorrect. Please check the format of the variable"),
  // Images (issue 11): im/v1/images and the message resource download.
  IMAGE_INVALID_PARAM(234001, 400, "Invalid request param."),
  RESOURCE_NOT_IN_MESSAGE(234003, 400, "File not in message."),
  RESOURCE_APP_NOT_IN_CHAT(234004, 400, "App not in chat."),
  IMAGE_TOO_LARGE(234006, 400, "The file size exceed the max value."),
  IMAGE_EMPTY(234010, 400, "File's size can't be 0."),
  IMAGE_FORMAT(234011, 400, "Can't regonnize the image format."),
  IMAGE_RESOLUTION(234039, 400, "Image resolution exceeds limit."),
  RESOURCE_UNSUPPORTED_MESSAGE(234043, 400, "Unsupported message type."),
  // Recall and edit of messages (IM v1 message delete / update).
  IM_MESSAGE_RECALLED(230011, 400, "The message is recalled."),
  IM_RECALL_NOT_ALLOWED(230026, 400, "No permission to recall this message."),
  IM_UNSUPPORTED_MESSAGE_TYPE(
      230054, 400, "This operation is not supported for this message type."),
  IM_NOT_SENDER(230071, 400, "The operator is not the sender of the message."),
  IM_EDIT_LIMIT(230072, 400, "The message has reached the number of times it can be edited."),
  // Chats (IM v1 chat and chat members).
  CHAT_ID_INVALID(232006, 400, "Your request specifies a chat_id which is invalid."),
  CHAT_OPERATOR_NOT_IN_CHAT(232011, 400, "Operator can NOT be out of the chat."),
  // Delayed update of a card after a callback (interactive/v1/card/update).
  DELAYED_UPDATE_CARD_INVALID(11311, 400, "The card does not meet the requirements."),
  DELAYED_UPDATE_CARD_TOO_LARGE(100000, 400, "The card content exceeds the limit."),
  DELAYED_UPDATE_MESSAGE_RECALLED(200000, 400, "The card message has been recalled."),
  DELAYED_UPDATE_OTHER_APP(200310, 400, "The card was sent by another app."),
  DELAYED_UPDATE_TOKEN_FORMAT(300020, 400, "The update token is malformed."),
  DELAYED_UPDATE_TOKEN_INVALID(300030, 400, "The update token is invalid or has expired."),
  DELAYED_UPDATE_TOKEN_USED_UP(
      300040, 400, "The update token has been used the maximum number of times."),
  RATE_LIMITED(99991400, 429, "request trigger frequency limit"),
  PATH_NOT_FOUND(99991404, 404, "404 page not found"),
  FIELD_VALIDATION(99992402, 400, "field validation failed"),
  TOKEN_MISSING(
      99991661,
      400,
      "Missing access token for authorization. Please make a request with token attached."),
  TOKEN_INVALID(
      99991663,
      400,
      "Invalid access token for authorization. Please make a request with token attached."),
  /** Clients treat 300000 as transient and retry; a storage outage is exactly that. */
  STORAGE_UNAVAILABLE(300000, 503, "Server Internal Error: storage unavailable, retry later");

  private final int code;
  private final int httpStatus;
  private final String message;

  ErrorCode(int code, int httpStatus, String message) {
    this.code = code;
    this.httpStatus = httpStatus;
    this.message = message;
  }

  /** The numeric Feishu code put in the envelope's {@code code}. */
  public int code() {
    return code;
  }

  /** The HTTP status that goes with this code. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The default {@code msg}. */
  public String message() {
    return message;
  }
}
