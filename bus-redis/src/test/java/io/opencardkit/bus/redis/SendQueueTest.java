package io.opencardkit.bus.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class SendQueueTest {

  private static Outgoing message(int i) {
    return new Outgoing("c", String.valueOf(i), true);
  }

  @Test
  void poll_returnsMessagesInOfferOrder() {
    SendQueue queue = new SendQueue(10, 1_000);
    for (int i = 0; i < 5; i++) {
      queue.offer(message(i));
    }

    for (int i = 0; i < 5; i++) {
      assertThat(queue.poll()).isEqualTo(message(i));
    }
    assertThat(queue.poll()).isNull();
  }

  @Test
  void offer_beyondCapacity_isRefusedUntilSpaceFrees() {
    SendQueue queue = new SendQueue(2, 1_000);

    assertThat(queue.offer(message(1))).isTrue();
    assertThat(queue.offer(message(2))).isTrue();
    assertThat(queue.offer(message(3))).isFalse();

    queue.poll();
    assertThat(queue.offer(message(4))).isTrue();
  }

  @Test
  void offer_beyondTheCharacterBudget_isRefusedUntilSpaceFrees() {
    SendQueue queue = new SendQueue(100, 10);

    assertThat(queue.offer(new Outgoing("c", "123456", true))).isTrue();
    assertThat(queue.offer(new Outgoing("c", "12345", true))).isFalse();
    assertThat(queue.offer(new Outgoing("c", "1234", true))).isTrue();

    queue.poll();
    assertThat(queue.offer(new Outgoing("c", "12345", true))).isTrue();
  }

  @Test
  void clear_removesAllAndCountsThem() {
    SendQueue queue = new SendQueue(10, 1_000);
    queue.offer(message(1));
    queue.offer(message(2));

    assertThat(queue.clear()).isEqualTo(2);
    assertThat(queue.poll()).isNull();
    assertThat(queue.offer(message(3))).isTrue();
  }
}
