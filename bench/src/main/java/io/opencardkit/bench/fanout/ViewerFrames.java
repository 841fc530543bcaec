package io.opencardkit.bench.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import io.opencardkit.core.Json;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one viewer makes of the frames of its connection, in web protocol v1 or v2 (see {@link
 * FrameReader}): card frames counted and timed by {@code (card_id, version)} from the {@link
 * CardTrack.Registry}, in order, gaps and duplicates per card from the last version it holds (a
 * message or snapshot frame sets it), v2 appends mapped to their card through this connection's
 * stream announcements; and, for the probe, each card's text rebuilt from the frames as the page
 * does. Not thread-safe: one connection, one event loop; a new connection starts a new one (the
 * stream numbers of a connection mean nothing on another).
 */
final class ViewerFrames {
  /** What the fleet wants to hear of. */
  interface Fleet {
    /** The card whose first card frame proves this viewer ready, or null. */
    String readyCard();

    /** This viewer received a card frame of {@link #readyCard()} (called once). */
    void ready();

    /** The server said hello. */
    void hello();
  }

  /**
   * What a v2 stream number stands for on this connection: an element of a card (and the card's
   * track once known).
   */
  private static final class Stream {
    final String cardId;
    final String elementId;
    CardTrack track;

    Stream(String cardId, String elementId, CardTrack track) {
      this.cardId = cardId;
      this.elementId = elementId;
      this.track = track;
    }
  }

  private final CardTrack.Registry registry;
  private final ViewerFleet.CardFrameListener listener;
  private final int lazyCardMaxVersion;
  private final boolean isProbe;
  private final Fleet fleet;
  private long[] lastVersion = new long[64]; // by CardTrack.index; 0 = no anchor yet
  private Stream[] streams = new Stream[64]; // v2: by stream number k
  private boolean ready;
  // probe only
  private final Map<String, StringBuilder> building = new HashMap<>();
  private long offsetErrors;
  private long firstVersionErrors;
  private long unknownStreams;

  /**
   * @param lazyCardMaxVersion above 0: a card nobody registered is registered on first sight with
   *     this max version (its frames then count for order but stay untimed)
   * @param isProbe whether to rebuild the cards' texts and count payload bytes (and leave latency
   *     out)
   */
  ViewerFrames(
      CardTrack.Registry registry,
      ViewerFleet.CardFrameListener listener,
      int lazyCardMaxVersion,
      boolean isProbe,
      Fleet fleet) {
    this.registry = registry;
    this.listener = listener;
    this.lazyCardMaxVersion = lazyCardMaxVersion;
    this.isProbe = isProbe;
    this.fleet = fleet;
  }

  /**
   * One frame, received at {@code now}; counted in {@code a} and {@code b} (each null when outside
   * its period).
   */
  void onFrame(String s, long now, Tally a, Tally b) {
    if (isProbe) {
      int bytes = Corpus.utf8(s);
      count(
          a,
          b,
          t -> {
            t.probePayloadBytes += bytes;
            t.probeFrames++;
          });
    }
    switch (FrameReader.kind(s)) {
      case CARD:
        {
          String cardId = FrameReader.string(s, FrameReader.CARD_ID);
          long version = FrameReader.number(s, FrameReader.VERSION);
          if (isProbe) {
            probeCard(s, cardId);
          }
          cardFrame(cardId, cardId == null ? null : track(cardId), version, now, a, b, false);
          break;
        }
      case APPEND:
        {
          long k = FrameReader.appendStream(s);
          long version = FrameReader.appendVersion(s);
          Stream stream = k >= 0 && k < streams.length ? streams[(int) k] : null;
          if (stream == null) {
            unknownStreams++;
            count(a, b, t -> t.unknownStreams++);
            break;
          }
          if (stream.track == null) {
            stream.track = track(stream.cardId);
          }
          if (isProbe) {
            probeAppend(s, stream, version);
          }
          cardFrame(stream.cardId, stream.track, version, now, a, b, true);
          break;
        }
      case STREAM:
        {
          long k = FrameReader.number(s, FrameReader.K);
          String cardId = FrameReader.string(s, FrameReader.CARD_ID);
          if (k < 0 || k > 10_000_000 || cardId == null) {
            count(a, b, t -> t.otherFrames++);
            break;
          }
          if (k >= streams.length) {
            streams = Arrays.copyOf(streams, (int) Math.max(k + 1, streams.length * 2L));
          }
          streams[(int) k] =
              new Stream(cardId, FrameReader.string(s, FrameReader.ELEMENT_ID), track(cardId));
          count(a, b, t -> t.streamFrames++);
          break;
        }
      case SNAPSHOT:
        {
          String cardId = FrameReader.string(s, FrameReader.CARD_ID);
          CardTrack track = cardId == null ? null : track(cardId);
          if (track != null) {
            last(track.index);
            lastVersion[track.index] = FrameReader.number(s, FrameReader.VERSION);
          }
          if (isProbe) {
            JsonNode f = Json.parseOrNull(s);
            building.put(f.path("card_id").asText(), new StringBuilder(mdContent(f.path("card"))));
          }
          count(a, b, t -> t.snapshots++);
          break;
        }
      case MESSAGE:
        {
          JsonNode card = Json.parseOrNull(s).path("message").path("card");
          CardTrack track = card.isObject() ? track(card.path("card_id").asText()) : null;
          if (track != null) {
            long version = card.path("version").asLong();
            if (version > last(track.index)) {
              lastVersion[track.index] = version;
            }
            listener.messageFrame(track, version, now);
          }
          if (isProbe && card.isObject()) {
            building.put(
                card.path("card_id").asText(), new StringBuilder(mdContent(card.path("card"))));
          }
          count(a, b, t -> t.messages++);
          break;
        }
      case HELLO:
        fleet.hello();
        count(a, b, t -> t.otherFrames++);
        break;
      default:
        count(a, b, t -> t.otherFrames++);
        break;
    }
  }

  /** What the probe rebuilt and the errors it found. */
  ViewerFleet.ProbeView probeView() {
    Map<String, String> texts = new HashMap<>();
    building.forEach((cardId, text) -> texts.put(cardId, text.toString()));
    return new ViewerFleet.ProbeView(texts, offsetErrors, firstVersionErrors, unknownStreams);
  }

  /**
   * The card's track: registered by the bots (or the reference's schedule), or now when unknown
   * cards are registered.
   */
  private CardTrack track(String cardId) {
    CardTrack track = registry.get(cardId);
    return track != null || lazyCardMaxVersion <= 0
        ? track
        : registry.getOrRegister(cardId, lazyCardMaxVersion);
  }

  /**
   * A card frame (a v1 object of any op, or a v2 append array) of {@code cardId} at {@code
   * version}.
   */
  private void cardFrame(
      String cardId, CardTrack track, long version, long now, Tally a, Tally b, boolean v2Append) {
    String awaited = fleet.readyCard();
    if (awaited != null && !ready && awaited.equals(cardId)) {
      ready = true;
      fleet.ready();
    }
    int order = 0; // 0 in order, 1 gap, 2 duplicate, 3 no anchor
    long latencyMicros = -1;
    if (track != null) {
      long last = last(track.index);
      if (last == 0) {
        order = 3;
      } else if (version <= last) {
        order = 2;
      } else if (version > last + 1) {
        order = 1;
      }
      if (version > last) {
        lastVersion[track.index] = version;
      }
      long sent = track.sentNanos(version);
      latencyMicros = sent == 0 ? -1 : (now - sent) / 1000;
      listener.cardFrame(track, version, now);
    }
    countCard(a, order, latencyMicros, v2Append);
    countCard(b, order, latencyMicros, v2Append);
  }

  private static void count(Tally a, Tally b, Consumer<Tally> what) {
    if (a != null) {
      what.accept(a);
    }
    if (b != null) {
      what.accept(b);
    }
  }

  private void countCard(Tally t, int order, long latencyMicros, boolean v2Append) {
    if (t == null) {
      return;
    }
    t.cardFrames++;
    if (v2Append) {
      t.v2Appends++;
    }
    switch (order) {
      case 1:
        t.gaps++;
        break;
      case 2:
        t.duplicates++;
        break;
      case 3:
        t.unanchored++;
        break;
      default:
        break;
    }
    if (latencyMicros < 0) {
      t.untimed++;
    } else if (!isProbe) {
      t.latency.record(latencyMicros);
    }
  }

  private long last(int index) {
    if (index >= lastVersion.length) {
      lastVersion = Arrays.copyOf(lastVersion, Math.max(index + 1, lastVersion.length * 2));
    }
    return lastVersion[index];
  }

  /** The probe applies a v1 card frame to the text it rebuilds, as the page does. */
  private void probeCard(String s, String cardId) {
    StringBuilder text = cardId == null ? null : building.get(cardId);
    if (text == null) {
      return; // a reference frame, or a card whose message frame came before this viewer opened
    }
    JsonNode f = Json.parseOrNull(s);
    if (!BotFleet.ELEMENT_ID.equals(f.path("element_id").asText(BotFleet.ELEMENT_ID))) {
      return;
    }
    String op = f.path("op").asText();
    if ("append".equals(op)) {
      int offset = f.path("offset").asInt();
      if (offset != text.length()) {
        offsetErrors++;
      }
      if (offset == 0 && f.path("version").asLong() != BotFleet.FIRST_CONTENT_VERSION) {
        firstVersionErrors++;
      }
      text.setLength(Math.min(text.length(), offset));
      text.append(f.path("text").asText());
    } else if ("replace".equals(op)) {
      text.setLength(0);
      text.append(f.path("text").asText());
    }
  }

  /**
   * The probe applies a v2 append: the text goes at the end of the element (the offset is implied).
   */
  private void probeAppend(String s, Stream stream, long version) {
    StringBuilder text = building.get(stream.cardId);
    if (text == null || !BotFleet.ELEMENT_ID.equals(stream.elementId)) {
      return;
    }
    if (text.length() == 0 && version != BotFleet.FIRST_CONTENT_VERSION) {
      firstVersionErrors++;
    }
    String appended = FrameReader.appendText(s);
    if (appended != null) {
      text.append(appended);
    }
  }

  private static String mdContent(JsonNode card) {
    for (JsonNode element : card.path("body").path("elements")) {
      if (BotFleet.ELEMENT_ID.equals(element.path("element_id").asText())) {
        return element.path("content").asText();
      }
    }
    return "";
  }
}
