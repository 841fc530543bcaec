package io.opencardkit.server.directory;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The directory a node runs with. It changes only when another node of the cluster stores a new
 * seed; readers take the current one for each request.
 */
public final class DirectoryHolder implements Supplier<Directory> {
  private volatile Directory current;

  public DirectoryHolder(Directory initial) {
    this.current = Objects.requireNonNull(initial, "initial");
  }

  @Override
  public Directory get() {
    return current;
  }

  public void replace(Directory directory) {
    current = Objects.requireNonNull(directory, "directory");
  }
}
