package io.opencardkit.store.sqlite;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.store.testkit.DeliveryStoreContract;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deliveries' contract on SQLite; a second handle opens the same file, as a second node on it
 * would.
 */
final class SqliteDeliveryStoreTest extends DeliveryStoreContract {
  @TempDir Path dir;

  private final IdentityHashMap<CardStore, Path> files = new IdentityHashMap<>();

  @Override
  protected CardStore newEmptyStore() {
    return open(dir.resolve("deliveries-" + files.size() + ".db"));
  }

  @Override
  protected CardStore reopen(CardStore closed) {
    return open(files.get(closed));
  }

  @Override
  protected CardStore anotherHandle(CardStore open) {
    return open(files.get(open));
  }

  private synchronized CardStore open(Path file) {
    CardStore store = SqliteCardStore.open(file);
    files.put(store, file);
    return store;
  }
}
