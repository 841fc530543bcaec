package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cardmodel.js mirrors the server's element edits; CardFeed orders frames; CardView keeps typing across ops. */
final class CardModelTest extends HarnessTest {
  /** A card with a streamed markdown, a column with a div whose plain_text streams, and a button. */
  static final String CARD =
      "{ schema: '2.0', config: { streaming_mode: true, summary: { content: 's' } },"
          + " header: { title: { tag: 'plain_text', content: 'T', element_id: 'title_text' } },"
          + " body: { elements: ["
          + "  { tag: 'markdown', element_id: 'md', content: 'Hello' },"
          + "  { tag: 'column_set', element_id: 'cols', columns: [ { tag: 'column', element_id: 'col1', elements: ["
          + "    { tag: 'div', element_id: 'd1', text: { tag: 'plain_text', element_id: 'pt', content: 'inner' } } ] } ] },"
          + "  { tag: 'button', element_id: 'btn', text: { tag: 'plain_text', content: 'Go' } } ] } }";

  /** Evaluates {@code body} with {@code M} (cardmodel), {@code card} (a fresh CARD) and {@code ids(card)}. */
  private Object run(String body) {
    return page.evaluate(
        "() => { const M = window.ock.cardmodel; const card = " + CARD + ";"
            + " const ids = (c) => JSON.stringify(c.body.elements.map((e) => e.element_id));"
            + body
            + " }");
  }

  @Test
  void applyOp_append_setsTextAtOffsetLikeTheServer() {
    assertThat(run("return M.findElement(M.applyOp(card, { op: 'append', element_id: 'md', offset: 5, text: ' world' }), 'md').content;"))
        .isEqualTo("Hello world");
    // CardState.apply: old.substring(0, offset) + text.
    assertThat(run("return M.findElement(M.applyOp(card, { op: 'append', element_id: 'md', offset: 4, text: '!' }), 'md').content;"))
        .isEqualTo("Hell!");
    assertThat(run("return M.findElement(M.applyOp(card, { op: 'append', element_id: 'pt', offset: 5, text: 'most' }), 'pt').content;"))
        .isEqualTo("innermost");
  }

  @Test
  void applyOp_replace_setsWholeTextAndLeavesInputUntouched() {
    assertThat(run("const next = M.applyOp(card, { op: 'replace', element_id: 'md', text: 'Bye' });"
            + " return [M.findElement(next, 'md').content, M.findElement(card, 'md').content];"))
        .isEqualTo(List.of("Bye", "Hello"));
  }

  @Test
  void applyOp_streamingTextOnAButton_isRefused() {
    assertThat(run("try { M.applyOp(card, { op: 'append', element_id: 'btn', offset: 0, text: 'x' }); return 'applied'; }"
            + " catch (e) { return e instanceof M.CardModelError; }"))
        .isEqualTo(true);
  }

  @Test
  void applyOp_settings_mergesConfigKeysAndReplacesCardLink() {
    @SuppressWarnings("unchecked")
    Map<String, Object> next =
        (Map<String, Object>)
            run("return M.applyOp({ ...card, card_link: { url: 'https://a' } }, { op: 'settings', config: { streaming_mode: false },"
                + " card_link: { pc_url: 'https://b' } });");
    assertThat(next.get("config")).isEqualTo(Map.of("streaming_mode", false, "summary", Map.of("content", "s")));
    assertThat(next.get("card_link")).isEqualTo(Map.of("pc_url", "https://b"));
  }

  @Test
  void applyOp_card_replacesEverything() {
    assertThat(run("return M.applyOp(card, { op: 'card', card: { schema: '2.0', body: { elements: [] } } });"))
        .isEqualTo(Map.of("schema", "2.0", "body", Map.of("elements", List.of())));
  }

  @Test
  void applyOp_elementsAdded_insertsBeforeAfterAndAppends() {
    assertThat(run("return ids(M.applyOp(card, { op: 'elements_added', type: 'insert_before', target_element_id: 'cols', elements: [{ tag: 'hr', element_id: 'a' }, { tag: 'hr', element_id: 'b' }] }));"))
        .isEqualTo("[\"md\",\"a\",\"b\",\"cols\",\"btn\"]");
    assertThat(run("return ids(M.applyOp(card, { type: 'card', op: 'elements_added', insert_type: 'insert_after', target_element_id: 'md', elements: [{ tag: 'hr', element_id: 'a' }] }));"))
        .isEqualTo("[\"md\",\"a\",\"cols\",\"btn\"]");
    assertThat(run("return ids(M.applyOp(card, { op: 'elements_added', type: 'append', elements: [{ tag: 'hr', element_id: 'a' }] }));"))
        .isEqualTo("[\"md\",\"cols\",\"btn\",\"a\"]");
    assertThat(run("const next = M.applyOp(card, { op: 'elements_added', type: 'append', target_element_id: 'col1', elements: [{ tag: 'hr', element_id: 'a' }] });"
            + " return M.findElement(next, 'col1').elements.map((e) => e.element_id);"))
        .isEqualTo(List.of("d1", "a"));
    assertThat(run("try { M.applyOp(card, { op: 'elements_added', type: 'append', target_element_id: 'btn', elements: [{ tag: 'hr' }] }); return 'applied'; }"
            + " catch (e) { return e instanceof M.CardModelError; }"))
        .isEqualTo(true);
  }

  @Test
  void applyOp_elementUpdated_replacesAndKeepsTheIdWhenTheNewElementHasNone() {
    assertThat(run("return M.applyOp(card, { op: 'element_updated', element_id: 'btn', element: { tag: 'hr' } }).body.elements[2];"))
        .isEqualTo(Map.of("tag", "hr", "element_id", "btn"));
    // A text object addressed by id (a field of its parent, not in a list) is replaced in place.
    assertThat(run("return M.applyOp(card, { op: 'element_updated', element_id: 'pt', element: { tag: 'plain_text', content: 'new' } }).body.elements[1].columns[0].elements[0].text;"))
        .isEqualTo(Map.of("tag", "plain_text", "content", "new", "element_id", "pt"));
  }

  @Test
  void applyOp_elementPatched_overwritesTopLevelPropertiesOnly() {
    assertThat(run("return M.applyOp(card, { op: 'element_patched', element_id: 'btn', partial_element: { type: 'primary', text: { tag: 'plain_text', content: 'Ok' } } }).body.elements[2];"))
        .isEqualTo(Map.of("tag", "button", "element_id", "btn", "type", "primary", "text", Map.of("tag", "plain_text", "content", "Ok")));
  }

  @Test
  void applyOp_elementsDeleted_removesElementsWithTheirChildren() {
    assertThat(run("const next = M.applyOp(card, { op: 'elements_deleted', element_ids: ['cols', 'btn'] }); return [ids(next), M.findElement(next, 'pt')];"))
        .isEqualTo(java.util.Arrays.asList("[\"md\"]", null));
  }

  @Test
  void applyOp_batch_appliesActionsInOrder() {
    assertThat(run("const next = M.applyOp(card, { op: 'batch', actions: ["
            + " { action: 'add_elements', params: { type: 'append', elements: [{ tag: 'markdown', element_id: 'x', content: 'a' }] } },"
            + " { action: 'partial_update_element', params: { element_id: 'x', partial_element: { content: 'b' } } },"
            + " { action: 'update_element', params: { element_id: 'md', element: { tag: 'markdown', content: 'c' } } },"
            + " { action: 'delete_elements', params: { element_ids: ['cols'] } },"
            + " { action: 'partial_update_setting', params: { settings: { config: { streaming_mode: false } } } } ] });"
            + " return [ids(next), M.findElement(next, 'x').content, M.findElement(next, 'md').content, next.config.streaming_mode];"))
        .isEqualTo(List.of("[\"md\",\"btn\",\"x\"]", "b", "c", false));
  }

  @Test
  void applyOp_streamingTimedOut_turnsStreamingModeOff() {
    assertThat(run("return M.applyOp(card, { op: 'streaming_timed_out' }).config.streaming_mode;")).isEqualTo(false);
  }

  @Test
  void streamableElements_findsBodyAndHeaderTextsWithIds() {
    assertThat(run("return M.streamableElements(card).map((e) => e.id);")).isEqualTo(List.of("md", "pt", "title_text"));
  }

  @Test
  void cardFeed_framesOutOfOrderAndTwice_applyOnceInVersionOrder() {
    Object r =
        run(
            "const feed = new window.ock.api.CardFeed(); const out = []; const f = (v) => ({ type: 'card', card_id: 'c', version: v });"
                + " feed.track('c', 3);"
                + " const take = (frame) => { const r = feed.offer(frame); r.apply.forEach((x) => out.push(x.version)); return r.gap; };"
                + " const gaps = [take(f(3)), take(f(4)), take(f(6)), take(f(4)), take(f(5)), take(f(7))];"
                + " return { out, gaps, held: feed.version('c') };");
    assertThat(r).isEqualTo(Map.of("out", List.of(4, 5, 6, 7), "gaps", List.of(false, false, true, false, false, false), "held", 7));
  }

  @Test
  void cardFeed_framesOfCardsNotHeld_areIgnoredAndFramesAfterTheLoadedVersionApply() {
    // web-protocol.md: frames flow for every card of the viewer's chats; the page ignores those it does not show and
    // lists a card in resume after loading it, which brings exactly the frames that follow.
    Object r =
        run(
            "const feed = new window.ock.api.CardFeed(); const f = (v) => ({ type: 'card', card_id: 'c', version: v });"
                + " const before = [4, 5, 6].map((v) => feed.offer(f(v)).apply.length);"
                + " const tracked = feed.track('c', 4).length;"
                + " const after = [5, 6].map((v) => feed.offer(f(v)).apply.map((x) => x.version));"
                + " return { before, tracked, after, unknownSnapshot: feed.offer({ type: 'snapshot', card_id: 'x', version: 3 }).apply.length };");
    assertThat(r).isEqualTo(Map.of("before", List.of(0, 0, 0), "tracked", 0, "after", List.of(List.of(5), List.of(6)), "unknownSnapshot", 0));
  }

  @Test
  void frameReader_compactAppend_becomesTheCardFrameOfItsAnnouncedStream() {
    // web-protocol.md, compact append frames: [stream, version, text] after {"type":"stream"} on the same connection.
    Object r =
        run(
            "const reader = new window.ock.api.FrameReader();"
                + " const unknown = reader.read('[7,5,\"x\"]');"
                + " const announced = reader.read(JSON.stringify({ type: 'stream', k: 7, card_id: '7301', element_id: 'md' }));"
                + " const append = reader.read(JSON.stringify([7, 5, 'he said \"hi\"\\n']));"
                + " const object = reader.read(JSON.stringify({ type: 'card', card_id: '7301', version: 6, op: 'replace', text: 'y' }));"
                + " return { unknown, announced, append, op: object.op, other: new window.ock.api.FrameReader().read('[7,5,\"x\"]'),"
                + "  garbage: reader.read('{nope') };");
    Map<String, Object> append = Map.of("type", "card", "card_id", "7301", "element_id", "md", "version", 5, "op", "append", "text", "he said \"hi\"\n");
    Map<String, Object> expected = new java.util.HashMap<>();
    expected.put("unknown", null);
    expected.put("announced", null);
    expected.put("append", append);
    expected.put("op", "replace");
    expected.put("other", null);
    expected.put("garbage", null);
    assertThat(r).isEqualTo(expected);
  }

  @Test
  void cardFeed_snapshot_replacesHeldVersionAndOlderSnapshotsAreIgnored() {
    Object r =
        run(
            "const feed = new window.ock.api.CardFeed(); feed.track('c', 2);"
                + " feed.offer({ type: 'card', card_id: 'c', version: 11 });"
                + " const a = feed.offer({ type: 'snapshot', card_id: 'c', version: 10 }).apply.map((x) => x.type + x.version);"
                + " const b = feed.offer({ type: 'snapshot', card_id: 'c', version: 9 }).apply.length;"
                + " return { a, b, held: feed.version('c'), resume: feed.versions() };");
    assertThat(r).isEqualTo(Map.of("a", List.of("snapshot10", "card11"), "b", 0, "held", 11, "resume", Map.of("c", 11)));
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
