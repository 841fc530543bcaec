package io.opencardkit.bench.fanout;

import java.util.SplittableRandom;

/**
 * The text the bots stream: LLM-like answers mixing English words, Chinese characters and a little
 * Markdown, drawn by a seeded random generator, so the text does not repeat (a repeating text would
 * flatter permessage-deflate, which finds earlier copies in its window) and UTF-8 sizes are not all
 * one byte per character. Only characters of the Basic Multilingual Plane, so a chunk never splits
 * a surrogate pair. Deterministic: the same position always gives the same characters.
 */
final class Corpus {
  private static final String[] WORDS =
      ("the a of to and in is that for it as with on be by this are or from an which at can not will has have more one "
              + "server card stream text frame viewer browser latency throughput message chat bot update model answer token "
              + "delta snapshot window resume socket queue memory bytes second version element content append replace "
              + "when each every only after before until because while then also still even just much many most other "
              + "shows sends keeps reads writes counts builds starts stops waits drops loads makes takes gives finds runs "
              + "fast slow small large first last next same full empty new old open closed long short high low good "
              + "OpenCardKit CardKit Vert.x WebSocket JSON SQLite HTTP API p99 ms KiB")
          .split(" ");
  private static final String HANZI =
      "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
          + "十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相"
          + "全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果"
          + "料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则"
          + "任取据处理服务器卡片流式文本帧浏览器延迟吞吐消息聊天机器人更新模型回答增量快照窗口恢复连接队列内存字节版本元素内容追加替换";

  private Corpus() {}

  /** {@code chars} characters starting at {@code position} of the endless text. */
  static String chunk(long position, int chars) {
    StringBuilder out = new StringBuilder(chars);
    long block = position / BLOCK;
    int skip = (int) (position % BLOCK);
    while (out.length() < chars) {
      String text = block(block++);
      int take = Math.min(chars - out.length(), text.length() - skip);
      out.append(text, skip, skip + take);
      skip = 0;
    }
    return out.toString();
  }

  private static final int BLOCK = 4096;

  private static final ThreadLocal<Object[]> LAST =
      ThreadLocal.withInitial(() -> new Object[] {-1L, ""});

  /** Block {@code n} of the text: exactly {@link #BLOCK} characters, the same every time. */
  private static String block(long n) {
    Object[] last = LAST.get();
    if ((long) last[0] != n) {
      last[0] = n;
      last[1] = generate(n);
    }
    return (String) last[1];
  }

  private static String generate(long n) {
    SplittableRandom random = new SplittableRandom(0x5EEDL * 31 + n);
    StringBuilder b = new StringBuilder(BLOCK + 64);
    while (b.length() < BLOCK) {
      int kind = random.nextInt(100);
      if (kind < 55) { // an English phrase
        int words = 3 + random.nextInt(9);
        for (int i = 0; i < words; i++) {
          b.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        b.setCharAt(b.length() - 1, random.nextInt(4) == 0 ? ',' : '.');
        b.append(' ');
      } else if (kind < 90) { // a Chinese clause
        int chars = 4 + random.nextInt(14);
        for (int i = 0; i < chars; i++) {
          b.append(HANZI.charAt(random.nextInt(HANZI.length())));
        }
        b.append(random.nextInt(3) == 0 ? '，' : '。');
      } else if (kind < 95) { // a list item or heading
        b.append(random.nextBoolean() ? "\n- **" : "\n## ")
            .append(WORDS[random.nextInt(WORDS.length)])
            .append(random.nextBoolean() ? "**: " : "\n");
      } else { // inline code or a number
        b.append('`')
            .append(WORDS[random.nextInt(WORDS.length)])
            .append('(')
            .append(random.nextInt(10_000))
            .append(")` ");
      }
    }
    return b.substring(0, BLOCK);
  }

  /** UTF-8 size of a string. */
  static int utf8(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }
}
