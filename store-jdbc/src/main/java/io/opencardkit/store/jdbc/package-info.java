/**
 * What the two SQL adapters share: the tables' rows and statements, the reads ({@link
 * io.opencardkit.store.jdbc.StoreQueries}), the bots' delivery leases, and the writer thread with
 * group commit ({@link io.opencardkit.store.jdbc.GroupCommitLoop}). Only {@code java.sql}, no
 * driver. Used by {@code store-sqlite} and {@code store-postgres}; the server's metrics and the
 * benchmarks read the commit counters of {@link io.opencardkit.store.jdbc.SqlCardStore}.
 */
package io.opencardkit.store.jdbc;
