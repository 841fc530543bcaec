package io.opencardkit.core.engine;

/** The kinds of accepted mutation recorded in a card's event log. The wire name is stored. */
public enum EventType {
  /** The card entity was created: payload {@code {card}}. */
  CREATED("created"),
  /**
   * Settings were merged into {@code config}/{@code card_link}: payload {@code {config?,
   * card_link?}}.
   */
  SETTINGS("settings"),
  /** The whole card was replaced: payload {@code {card}}. */
  REPLACED("replaced"),
  /** Elements were inserted: payload {@code {type, target_element_id?, elements}}. */
  ELEMENTS_ADDED("elements_added"),
  /** An element was replaced: payload {@code {element_id, element}}. */
  ELEMENT_UPDATED("element_updated"),
  /** Properties of an element were overwritten: payload {@code {element_id, partial_element}}. */
  ELEMENT_PATCHED("element_patched"),
  /** Elements (with their children) were removed: payload {@code {element_ids}}. */
  ELEMENTS_DELETED("elements_deleted"),
  /**
   * A batch of actions applied all together: payload {@code {actions:[{action, params}]}}
   * normalised.
   */
  BATCH("batch"),
  /**
   * Streamed text that extends the old text: payload {@code {element_id, offset, text}} (offset in
   * UTF-16 units).
   */
  CONTENT_APPENDED("content_appended"),
  /** Streamed text that does not extend the old text: payload {@code {element_id, text}}. */
  CONTENT_REPLACED("content_replaced"),
  /** The streaming window ran out and streaming mode switched itself off: payload {@code {}}. */
  STREAMING_TIMED_OUT("streaming_timed_out"),
  /** The card entity was sent as a message: payload {@code {message_id, chat_id}}. */
  SENT("sent"),
  /**
   * A user's interaction was handed to the bot: CardKit calls are refused with 200810 until it ends
   * or until {@code until} (engine clock millis) passes: payload {@code {until}}.
   */
  INTERACTION_STARTED("interaction_started"),
  /** One interaction ended (the bot answered, or could not be reached): payload {@code {}}. */
  INTERACTION_ENDED("interaction_ended");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static EventType fromWireName(String name) {
    for (EventType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + name);
  }
}
