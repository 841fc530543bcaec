package io.opencardkit.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * markdown.js: the Feishu dialect, and what safePrefix's sources look like rendered while a text is
 * typed (its single cases are tested under Node, server/src/test/js/markdown.test.mjs).
 */
final class MarkdownTest extends HarnessTest {
  /**
   * A document whose final rendering shows none of the characters of markdown syntax, so any of
   * them appearing while it is typed is half-finished syntax shown raw.
   */
  static final String DOC =
      String.join(
          "\n",
          "# Title here",
          "Some **bold text** and *italic words* and ~~struck~~ and `code span` here.",
          "A [link text](https://example.com/path) and <font color='red'>red words</font> and "
              + "<text_tag color='blue'>tag</text_tag> end.",
          "Mention <at id=ou_alice></at> and emoji :DONE: ok.",
          "",
          "- first item with **bold**",
          "- second item",
          "",
          "1. one",
          "2. two",
          "",
          "| Name | Score |",
          "|------|-------|",
          "| Ann | 90 |",
          "| Bob | 85 |",
          "",
          "```python",
          "print hello",
          "```",
          "",
          "> quoted words",
          "",
          "Final line with <link url='https://example.com'>icon link</link> and __strong__ and _soft_.");

  /**
   * The sanitised HTML of safePrefix(source) when {@code prefix} is true, else of source itself.
   */
  private String html(String source, boolean prefix) {
    return (String)
        page.evaluate(
            "([source, prefix]) => { const m = window.ock.markdown;"
                + " return m.markdownToHtml(prefix ? m.safePrefix(source) : source, { resolveUser: (id) => id === 'ou_alice' ? 'Alice' : null }); }",
            List.of(source, prefix));
  }

  @Test
  void safePrefix_everyGraphemePrefixOfDocument_showsNoRawSyntax() {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> leaks =
        (List<Map<String, Object>>)
            page.evaluate(
                "(doc) => { const m = window.ock.markdown; const t = window.ock.typewriter;"
                    + " const bounds = t.graphemeBoundaries(doc); const leaks = [];"
                    + " const forbidden = /[*_~`\\[\\]()|<>#:=\\\\]|font|color|text_tag|http|example|link url/;"
                    + " for (const end of bounds) {"
                    + "   const prefix = doc.slice(0, end);"
                    + "   const div = document.createElement('div');"
                    + "   div.append(m.renderMarkdown(m.safePrefix(prefix), { resolveUser: () => 'Alice' }));"
                    + "   const text = div.textContent;"
                    + "   if (forbidden.test(text) || /(^|\\n)\\s*-/.test(text)) leaks.push({ prefix: prefix.slice(-40), text: text.slice(-60) });"
                    + " }"
                    + " return leaks; }",
                DOC);
    assertThat(leaks).isEmpty();
  }

  @Test
  void safePrefix_fullDocument_rendersLikeTheDocument() {
    // When typing catches up the page renders the source itself; safePrefix must not disturb a
    // finished text.
    assertThat(html(DOC, true)).isEqualTo(html(DOC, false));
  }

  @Test
  void renderMarkdown_feishuDialect_rendersEachConstruct() {
    String out =
        html(
            "# H1\n###### H6\n**b** *i* ~~s~~ `c`\n[l](https://a.example/x) <a href='https://b.example'>a</a>\n"
                + "<font color='red'>r</font> <font color='rgba(1,2,3,0.5)'>q</font> <at id=ou_alice></at> <at id=all></at>\n"
                + "<text_tag color='carmine'>t</text_tag> <link icon='chat_outlined' url='https://c.example'>k</link>\n"
                + ":DONE: :NOPE: &#42;star&#42;\n\n- u\n    - nested\n1. o\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
                + "```go\nfmt.Println()\n```\n> q\n\n---\n![alt](img_v2_abc)",
            false);
    assertThat(out)
        .contains(
            "<h1>H1</h1>",
            "<h6>H6</h6>",
            "<strong>b</strong>",
            "<em>i</em>",
            "<s>s</s>",
            "<code>c</code>")
        .contains(
            "<a href=\"https://a.example/x\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">l</a>")
        .contains(
            "<a class=\"md-link\" href=\"https://b.example\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">a</a>")
        .contains(
            "<span class=\"md-font\" data-color=\"red\" style=\"color: rgb(192, 42, 38);\">r</span>")
        .contains("style=\"color: rgba(1, 2, 3, 0.5);\">q</span>")
        .contains(">@Alice</span>", ">@所有人</span>")
        .contains("<span class=\"md-text-tag tag-carmine\">t</span>")
        .contains("<a class=\"md-link md-link-icon\" href=\"https://c.example\"")
        .contains("title=\"DONE\">✅</span>", ":NOPE:", "*star*")
        .contains(
            "<ul>",
            "<ol>",
            "nested",
            "<table>",
            "<td>2</td>",
            "fmt.Println()",
            "<blockquote>",
            "<hr>")
        .contains("class=\"md-img-placeholder\" data-img-key=\"img_v2_abc\"");
  }

  @Test
  void renderMarkdown_softBreak_isALineBreak() {
    assertThat(html("one\ntwo", false)).isEqualTo("<p>one<br>\ntwo</p>\n");
  }

  @Test
  void renderMarkdown_unsafeLinkSchemes_areNotLinks() {
    String out =
        html(
            "[x](javascript:alert(1)) <a href='javascript:alert(2)'>y</a> <link url='data:text/html,1'>z</link>",
            false);
    // An invalid markdown link stays literal text; no element carries the URL.
    assertThat(out)
        .doesNotContain("href")
        .doesNotContain("<a ")
        .doesNotContain("alert(2)")
        .doesNotContain("data:");
  }
}
