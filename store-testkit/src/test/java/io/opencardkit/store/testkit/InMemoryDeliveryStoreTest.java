package io.opencardkit.store.testkit;

import io.opencardkit.core.store.CardStore;

final class InMemoryDeliveryStoreTest extends DeliveryStoreContract {
  @Override
  protected CardStore newEmptyStore() {
    return new InMemoryCardStore();
  }

  @Override
  protected CardStore reopen(CardStore closed) {
    return ((InMemoryCardStore) closed).reopen();
  }

  @Override
  protected CardStore anotherHandle(CardStore open) {
    return ((InMemoryCardStore) open).reopen();
  }
}
