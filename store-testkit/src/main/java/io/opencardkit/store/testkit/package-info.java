/**
 * Test code published as main code: the contracts every {@link io.opencardkit.core.store.CardStore}
 * and {@link io.opencardkit.core.store.DeliveryStore} passes (abstract JUnit classes the adapters'
 * tests extend), an in-memory store for tests above the port, and small builders of events and
 * messages. Used only by tests.
 */
package io.opencardkit.store.testkit;
