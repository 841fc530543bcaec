package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of mentions.js (ranges, wire text, the query at the caret) and unread.js (the counts). */
final class ChatHabitsModuleTest extends HarnessTest {
  private Object mentions(String body) {
    return page.evaluate("() => { const M = window.ock.mentions; " + body + " }");
  }

  private Object unread(String body) {
    return page.evaluate(
        "() => { const U = window.ock.unread; const msg = (t, id, sender = 'ou_bob') => ({ message_id: id, create_time: t, sender: { id: sender } });"
            + body + " }");
  }

  @Test
  void wireText_turnsEachIntactMentionIntoATag() {
    assertThat(mentions("return M.wireText('@Bob hi @Answer Bot!', [{ start: 0, end: 4, id: 'ou_b', name: 'Bob' },"
            + " { start: 8, end: 19, id: 'cli_a', name: 'Answer Bot' }]);"))
        .isEqualTo("<at user_id=\"ou_b\">Bob</at> hi <at user_id=\"cli_a\">Answer Bot</at>!");
    // A range whose text no longer reads "@Name" is plain text.
    assertThat(mentions("return M.wireText('@Bo hi', [{ start: 0, end: 4, id: 'ou_b', name: 'Bob' }]);")).isEqualTo("@Bo hi");
  }

  @Test
  void shiftRanges_keepsRangesBeforeMovesRangesAfterDropsRangesTouched() {
    String ranges = "const r = [{ start: 3, end: 7, id: 'b', name: 'Bob' }];";
    assertThat(mentions(ranges + " return M.shiftRanges(r, 'hi @Bob x', 'hi @Bob xy')[0].start;")).isEqualTo(3);
    assertThat(mentions(ranges + " return M.shiftRanges(r, 'hi @Bob x', 'oh hi @Bob x')[0].start;")).isEqualTo(6);
    assertThat(mentions(ranges + " return M.shiftRanges(r, 'hi @Bob x', 'hi @Bb x').length;")).isEqualTo(0);
    assertThat(mentions(ranges + " return M.shiftRanges(r, 'hi @Bob x', 'hi @Bob! x')[0].end;")).isEqualTo(7); // typed right after it
  }

  @Test
  void mentionQuery_startsAtAnAtAfterASpaceButNotInsideAnAddress() {
    assertThat(mentions("return JSON.stringify(M.mentionQuery('hi @Ans', 7));")).isEqualTo("{\"start\":3,\"query\":\"Ans\"}");
    assertThat(mentions("return JSON.stringify(M.mentionQuery('@', 1));")).isEqualTo("{\"start\":0,\"query\":\"\"}");
    assertThat(mentions("return M.mentionQuery('mail a@b.c', 10);")).isNull();
    assertThat(mentions("return M.mentionQuery('@x\\ny', 4);")).isNull();
  }

  @Test
  void mentionRuns_splitATextMessagesTags() {
    assertThat(mentions("return JSON.stringify(M.mentionRuns('<at user_id=\"ou_b\">Bob</at> <b>hi</b>'));"))
        .isEqualTo("[{\"mention\":{\"id\":\"ou_b\",\"name\":\"Bob\"}},{\"text\":\" <b>hi</b>\"}]");
  }

  @Test
  void unreadCounts_countEachNewMessageOnceAndClearUpToTheReadMark() {
    @SuppressWarnings("unchecked")
    List<Object> counts = (List<Object>) unread(
        "const c = new U.UnreadCounts(); const out = [];"
            + " c.load([{ chat_id: 'g', unread: 2, read: { message_id: 'om_1', create_time: 10 }, newest: { message_id: 'om_3', create_time: 30 } }]);"
            + " out.push(c.count('g'));"
            + " c.offer('g', msg(30, 'om_3')); out.push(c.count('g'));" // counted by the server already
            + " c.offer('g', msg(40, 'om_4')); c.offer('g', msg(40, 'om_4')); out.push(c.count('g'));" // a changed message: once
            + " out.push(c.readUpTo('g', { time: 20, id: 'om_2' })); out.push(c.count('g'));" // a mark before the server's newest
            + " out.push(c.readUpTo('g', { time: 40, id: 'om_4' })); out.push(c.count('g'));"
            + " c.offer('g', msg(35, 'om_late')); out.push(c.count('g'));" // before the mark: read
            + " out.push(c.total());"
            + " return out;");
    assertThat(counts).containsExactly(2, 2, 3, false, 3, true, 0, 0, 0);
  }

  @Test
  void badgeText_showsUpTo99() {
    assertThat(unread("return [U.badgeText(0), U.badgeText(7), U.badgeText(99), U.badgeText(100)].join(',');")).isEqualTo(",7,99,99+");
  }
}
