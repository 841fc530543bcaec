package io.opencardkit.store.sqlite;

import static io.opencardkit.store.testkit.Events.batch;
import static io.opencardkit.store.testkit.Events.event;

import java.nio.file.Path;

/**
 * A child process for {@link SqliteCrashTest}: commits events on several cards forever and prints
 * {@code card version} after each commit is acknowledged, until it is killed.
 */
final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    SqliteCardStore store = SqliteCardStore.open(Path.of(args[0]));
    int threads = Integer.parseInt(args[1]);
    for (int t = 0; t < threads; t++) {
      String cardId = "crash-" + t;
      Thread writer =
          new Thread(
              () -> {
                for (long v = 1; ; v++) {
                  store.commit(batch(event(cardId, v))).join();
                  synchronized (System.out) {
                    System.out.println(cardId + " " + v);
                    System.out.flush();
                  }
                }
              });
      writer.start();
    }
  }
}
