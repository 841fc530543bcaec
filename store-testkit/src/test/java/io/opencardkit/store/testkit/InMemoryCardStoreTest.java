package io.opencardkit.store.testkit;

import io.opencardkit.core.store.CardStore;

final class InMemoryCardStoreTest extends CardStoreContract {

  @Override
  protected CardStore newEmptyStore() {
    return new InMemoryCardStore();
  }

  @Override
  protected CardStore reopen(CardStore closed) {
    return ((InMemoryCardStore) closed)
        .reopen(); // same memory, new handle: nothing to prove about disks here
  }
}
