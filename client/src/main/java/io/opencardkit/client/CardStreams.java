package io.opencardkit.client;

import com.lark.oapi.Client;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens {@link CardStream}s for one bot: holds the bot's official SDK {@link Client}, the streaming
 * options and the writer threads. Create one per bot with {@link #builder(Client)}, open a stream
 * per answer, close it when the bot stops.
 *
 * <pre>{@code
 * CardStreams streams = CardStreams.builder(sdk).build();
 * CardStream answer = streams.open(Target.reply(messageId));
 * llm.stream(prompt, answer::append);
 * answer.finish("Answer to: " + prompt).join();
 * }</pre>
 */
public final class CardStreams implements AutoCloseable {
  private final CardApi api;
  private final StreamSettings settings;
  private final Scheduler scheduler;
  private final ScheduledThreadPoolExecutor ownedExecutor; // null when the caller gave a scheduler

  private CardStreams(Builder b) {
    this.api = new CardApi(b.sdk);
    this.settings =
        new StreamSettings(
            Duration.ofNanos(Math.round(1_000_000_000d / b.updatesPerSecond)),
            b.windowMargin,
            b.maxCardBytes,
            b.continuedSummary,
            b.title,
            b.clock,
            b.initialBackoff,
            b.maxBackoff,
            b.giveUpAfter);
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = new ScheduledThreadPoolExecutor(b.threads, daemonThreads());
      this.ownedExecutor.setRemoveOnCancelPolicy(true);
      this.scheduler = Scheduler.of(ownedExecutor);
    }
  }

  /** Starts configuring streams that call Feishu or OpenCardKit through {@code sdk}. */
  public static Builder builder(Client sdk) {
    return new Builder(sdk);
  }

  /**
   * Opens a stream: in the background it creates a streaming card and sends it to {@code target}.
   * Returns at once; {@link CardStream#opened()} completes when the card is shown.
   */
  public CardStream open(Target target) {
    Objects.requireNonNull(target, "target");
    return new CardStream(api, settings, scheduler, target);
  }

  /**
   * Stops the writer threads this instance created (not a scheduler given to the builder). Streams
   * still writing stop: their futures fail. Finish streams and wait for them before closing.
   */
  @Override
  public void close() {
    if (ownedExecutor != null) {
      ownedExecutor.shutdownNow();
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "okc-card-stream-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Options for the streams of one bot; every option has a default that suits Feishu. */
  public static final class Builder {
    private final Client sdk;
    private double updatesPerSecond = 10;
    private Duration windowMargin = Duration.ofMinutes(9);
    private int maxCardBytes = 28 * 1024;
    private String continuedSummary = "(continued)";
    private String title;
    private Clock clock = Clock.systemUTC();
    private Scheduler scheduler;
    private int threads = 16;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration giveUpAfter = Duration.ofMinutes(2);

    private Builder(Client sdk) {
      this.sdk = Objects.requireNonNull(sdk, "sdk");
    }

    /**
     * At most this many text updates per card and second (default 10); appends in between are
     * coalesced into the next update.
     *
     * @throws IllegalArgumentException unless 0 < {@code perSecond} <= 100
     */
    public Builder updatesPerSecond(double perSecond) {
      if (!(perSecond > 0 && perSecond <= 100)) {
        throw new IllegalArgumentException("updatesPerSecond must be in (0, 100]: " + perSecond);
      }
      this.updatesPerSecond = perSecond;
      return this;
    }

    /**
     * Once a card has streamed this long, further text goes to a follow-up card (default 9 minutes;
     * Feishu closes streaming 10 minutes after it was opened).
     *
     * @throws IllegalArgumentException if {@code margin} is not positive
     */
    public Builder windowMargin(Duration margin) {
      Objects.requireNonNull(margin, "margin");
      if (margin.isNegative() || margin.isZero()) {
        throw new IllegalArgumentException("windowMargin must be positive: " + margin);
      }
      this.windowMargin = margin;
      return this;
    }

    /**
     * The size a card may reach with its streamed text before the rest goes to a follow-up card
     * (default 28 KiB; the server refuses cards over 30 KiB, and the rest is kept for the elements
     * added on finish).
     *
     * @throws IllegalArgumentException unless 2048 <= {@code bytes} <= 29 KiB
     */
    public Builder maxCardBytes(int bytes) {
      if (bytes < 2048 || bytes > 29 * 1024) {
        throw new IllegalArgumentException("maxCardBytes must be in [2048, 29696]: " + bytes);
      }
      this.maxCardBytes = bytes;
      return this;
    }

    /**
     * The chat-list preview of a card whose text continues in a follow-up card (default
     * "(continued)").
     */
    public Builder continuedSummary(String summary) {
      this.continuedSummary = Objects.requireNonNull(summary, "summary");
      return this;
    }

    /** A header title for every card (default none). */
    public Builder title(String title) {
      this.title = title;
      return this;
    }

    /**
     * The clock that times the cadence, retries and the streaming window; tests pass a fake one.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs the writers' steps (default: a pool of daemon threads owned by the {@link CardStreams}).
     * The scheduler's notion of delay must agree with {@link #clock}.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The size of the default writer pool (default 16): how many streams can be inside an SDK call
     * at once.
     *
     * @throws IllegalArgumentException if {@code threads} < 1
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be positive: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Retries of transient failures: the first after {@code initial}, doubling up to {@code max}
     * (or the gateway's rate-limit reset, if longer); a call still failing {@code giveUpAfter}
     * after its first attempt fails the stream. Defaults: 200 ms, 5 s, 2 minutes.
     *
     * @throws IllegalArgumentException if a duration is negative or {@code initial} is zero or
     *     exceeds {@code max}
     */
    public Builder retry(Duration initial, Duration max, Duration giveUpAfter) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      Objects.requireNonNull(giveUpAfter, "giveUpAfter");
      if (initial.isNegative()
          || initial.isZero()
          || max.compareTo(initial) < 0
          || giveUpAfter.isNegative()) {
        throw new IllegalArgumentException(
            "retry needs 0 < initial <= max and giveUpAfter >= 0: "
                + initial
                + ", "
                + max
                + ", "
                + giveUpAfter);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      this.giveUpAfter = giveUpAfter;
      return this;
    }

    public CardStreams build() {
      return new CardStreams(this);
    }
  }
}
