package io.opencardkit.store.postgres;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.store.testkit.CardStoreContract;
import java.util.IdentityHashMap;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage contract, against the local PostgreSQL service; every store gets a schema of its own.
 */
final class PostgresCardStoreTest extends CardStoreContract {
  @RegisterExtension static final TestDatabase DATABASE = new TestDatabase();

  private final IdentityHashMap<CardStore, PostgresConfig> configs = new IdentityHashMap<>();

  @Override
  protected CardStore newEmptyStore() {
    return openTracked(DATABASE.freshSchema());
  }

  @Override
  protected CardStore reopen(CardStore closed) {
    return openTracked(configs.get(closed));
  }

  private synchronized CardStore openTracked(PostgresConfig config) {
    CardStore store = PostgresCardStore.open(config);
    configs.put(store, config);
    return store;
  }
}
