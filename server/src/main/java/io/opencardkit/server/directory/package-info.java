/**
 * Who exists: apps, users and chats ({@link io.opencardkit.server.directory.Directory}, immutable),
 * read from a YAML seed ({@link io.opencardkit.server.directory.SeedParser}), stored so that a
 * restart keeps it, and held for the node. Used by almost every server package (read-only) and by
 * the command line.
 */
package io.opencardkit.server.directory;
