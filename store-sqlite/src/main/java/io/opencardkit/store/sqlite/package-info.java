/**
 * The embedded store: {@link io.opencardkit.store.sqlite.SqliteCardStore}, one SQLite file in WAL
 * mode with group commit and a background checkpointer. Everything but the store class is
 * package-private; used by the server's composition root ({@code Backends}) for a single node.
 */
package io.opencardkit.store.sqlite;
