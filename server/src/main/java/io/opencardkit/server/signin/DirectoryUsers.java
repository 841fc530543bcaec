package io.opencardkit.server.signin;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.directory.Directory;
import io.opencardkit.server.directory.DirectoryBootstrap;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.directory.User;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The directory's users as a sign-in sees them: found by the identity provider's claim, and (when
 * allowed) created for a person the directory does not know yet.
 */
final class DirectoryUsers {
  private final DirectoryHolder directory;
  private final CardStore store;

  DirectoryUsers(DirectoryHolder directory, CardStore store) {
    this.directory = directory;
    this.store = store;
  }

  /**
   * The user whose {@code email} is {@code value} (ignoring case), else whose {@code open_id} is.
   */
  Optional<User> byClaim(String value) {
    return find(directory.get(), value);
  }

  private static Optional<User> find(Directory dir, String value) {
    for (User user : dir.users()) {
      if (user.email() != null
          && user.email().toLowerCase(Locale.ROOT).equals(value.toLowerCase(Locale.ROOT))) {
        return Optional.of(user);
      }
    }
    return dir.user(value);
  }

  /**
   * Adds a user for a person the provider vouched for and stores the directory (blocking). The
   * open_id derives from the provider's issuer and subject, so the same person gets the same id on
   * every node and at every sign-in.
   */
  synchronized User provision(
      String claimValue, String issuer, String subject, String name, String email) {
    // Start from the stored directory: another node may have added someone since this node's copy.
    Directory current =
        store
            .meta(DirectoryBootstrap.META_KEY)
            .map(DirectoryBootstrap::read)
            .orElse(directory.get());
    String openId = "ou_" + digest(issuer + "\n" + subject).substring(0, 32);
    Optional<User> existing = find(current, claimValue).or(() -> current.user(openId));
    if (existing.isPresent()) {
      directory.replace(current);
      return existing.get();
    }
    User user = new User(openId, name, null, email);
    List<User> users = new ArrayList<>(current.users());
    users.add(user);
    Directory next = new Directory(current.apps(), users, current.groupChats());
    DirectoryBootstrap.save(store, next);
    directory.replace(next);
    return user;
  }

  private static String digest(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
