package io.opencardkit.store.postgres;

import io.opencardkit.store.testkit.HeldWriter;

/** Helpers for tests that drive stores as server nodes. */
final class Nodes {
  private Nodes() {}

  /**
   * Holds the writer thread of {@code store} until released, so that commits queue up and form one
   * group.
   */
  static HeldWriter hold(PostgresCardStore store) throws InterruptedException {
    return HeldWriter.hold(
        work ->
            store.runOnWriter(
                c -> {
                  work.run();
                  return null;
                }));
  }
}
