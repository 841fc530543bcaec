package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CardView keeps typing across ops, on the page's DOM. cardmodel.js's edits, CardFeed and
 * FrameReader are tested under Node (server/src/test/js).
 */
final class CardModelTest extends HarnessTest {
  /**
   * A card with a streamed markdown, a column with a div whose plain_text streams, and a button.
   */
  static final String CARD =
      "{ schema: '2.0', config: { streaming_mode: true, summary: { content: 's' } },"
          + " header: { title: { tag: 'plain_text', content: 'T', element_id: 'title_text' } },"
          + " body: { elements: ["
          + "  { tag: 'markdown', element_id: 'md', content: 'Hello' },"
          + "  { tag: 'column_set', element_id: 'cols', columns: [ { tag: 'column', element_id: 'col1', elements: ["
          + "    { tag: 'div', element_id: 'd1', text: { tag: 'plain_text', element_id: 'pt', content: 'inner' } } ] } ] },"
          + "  { tag: 'button', element_id: 'btn', text: { tag: 'plain_text', content: 'Go' } } ] } }";

  /** Evaluates {@code body} with {@code card} (a fresh CARD). */
  private Object run(String body) {
    return page.evaluate("() => { const card = " + CARD + ";" + body + " }");
  }

  @Test
  void cardView_structuralOpWhileTyping_keepsTypingAndEndsAtTheServerText() {
    Object r =
        run(
            "const { CardView } = window.ock.cardview; const clock = window.ock.typewriter.manualScheduler();"
                + " const view = new CardView({ card, version: 1, streaming: true, scheduler: clock });"
                + " document.getElementById('stage').append(view.root);"
                + " const text = () => view.root.querySelector('[data-element-id=\"md\"]').textContent.trim();"
                + " view.applyFrame({ op: 'append', element_id: 'md', offset: 5, text: ' there, world', version: 2, streaming: true });"
                + " clock.advance(70 * 3); const typed = text();"
                + " view.applyFrame({ op: 'element_patched', element_id: 'btn', partial_element: { type: 'primary' }, version: 3, streaming: true });"
                + " const afterPatch = [text(), view.typing()];"
                + " clock.advance(70 * 20);"
                + " view.applyFrame({ op: 'element_updated', element_id: 'pt', element: { tag: 'plain_text', content: 'swapped' }, version: 4, streaming: true });"
                + " return { typed, afterPatch, final: text(), pt: view.root.querySelector('[data-element-id=\"pt\"]').textContent, typing: view.typing() };");
    assertThat(r)
        .isEqualTo(
            Map.of(
                "typed", "Hello th",
                "afterPatch", List.of("Hello th", true),
                "final", "Hello there, world",
                "pt", "swapped",
                "typing", false));
  }

  @Test
  void cardView_snapshotExtendingTheText_typesTheGap() {
    Object r =
        run(
            "const { CardView } = window.ock.cardview; const clock = window.ock.typewriter.manualScheduler();"
                + " const view = new CardView({ card, version: 1, streaming: true, scheduler: clock });"
                + " const next = JSON.parse(JSON.stringify(card)); next.body.elements[0].content = 'Hello world';"
                + " view.applySnapshot({ card: next, version: 9, streaming: true });"
                + " const start = view.visibleText('md'); clock.advance(70 * 6); return [start, view.visibleText('md'), view.version];");
    assertThat(r).isEqualTo(List.of("Hello", "Hello world", 9));
  }
}
