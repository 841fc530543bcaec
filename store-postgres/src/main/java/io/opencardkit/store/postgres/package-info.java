/**
 * The store for several nodes sharing one PostgreSQL database: {@link
 * io.opencardkit.store.postgres.PostgresCardStore} and its {@link
 * io.opencardkit.store.postgres.PostgresConfig}; the schema is migrated by Flyway, writes claim
 * each card's head row so that nodes never write the same version twice. Used by the server's
 * composition root ({@code Backends}) and by the benchmarks.
 */
package io.opencardkit.store.postgres;
