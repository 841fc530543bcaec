package io.opencardkit.store.postgres;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.store.testkit.DeliveryStoreContract;
import java.util.IdentityHashMap;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deliveries' contract against the local PostgreSQL; a second handle is a second node's store
 * on the schema.
 */
final class PostgresDeliveryStoreTest extends DeliveryStoreContract {
  @RegisterExtension static final TestDatabase DATABASE = new TestDatabase();

  private final IdentityHashMap<CardStore, PostgresConfig> configs = new IdentityHashMap<>();

  @Override
  protected CardStore newEmptyStore() {
    return open(DATABASE.freshSchema());
  }

  @Override
  protected CardStore reopen(CardStore closed) {
    return open(configs.get(closed));
  }

  @Override
  protected CardStore anotherHandle(CardStore open) {
    return open(configs.get(open));
  }

  private synchronized CardStore open(PostgresConfig config) {
    CardStore store = PostgresCardStore.open(config);
    configs.put(store, config);
    return store;
  }
}
