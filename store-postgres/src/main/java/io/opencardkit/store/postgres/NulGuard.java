package io.opencardkit.store.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;

/**
 * A view of a prepared statement that notes whether any string bound to it holds U+0000, which
 * PostgreSQL's text type cannot represent (such a parameter fails the statement), instead of
 * binding it.
 */
final class NulGuard {
  private final PreparedStatement statement;
  private boolean sawNul;

  NulGuard(PreparedStatement target) {
    this.statement =
        (PreparedStatement)
            Proxy.newProxyInstance(
                NulGuard.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                  if ("setString".equals(method.getName())
                      && args.length == 2
                      && args[1] instanceof String
                      && ((String) args[1]).indexOf('\0') >= 0) {
                    sawNul = true;
                    return null;
                  }
                  try {
                    return method.invoke(target, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
  }

  /** The statement to bind parameters to. */
  PreparedStatement statement() {
    return statement;
  }

  /** Whether a string with U+0000 was bound (and left out). */
  boolean sawNul() {
    return sawNul;
  }
}
