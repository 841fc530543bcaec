/**
 * The storage port: {@link io.opencardkit.core.store.CardStore} (the per-card event log with
 * snapshots, messages, images, a key/value area) and {@link
 * io.opencardkit.core.store.DeliveryStore} (bots' pending deliveries and their leases), with the
 * records they hold and the atomic {@link io.opencardkit.core.store.WriteBatch}. No implementation
 * here: the {@code store-sqlite} and {@code store-postgres} modules implement it (through {@code
 * store-jdbc}), {@code store-testkit} holds the contract every implementation passes; the server
 * uses it everywhere it reads or writes.
 */
package io.opencardkit.core.store;
