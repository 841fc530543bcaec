package io.opencardkit.server.http;

/**
 * Told about every OpenAPI call once its response has ended, on the request's event loop (it must
 * not block).
 */
@FunctionalInterface
public interface ApiCallListener {
  void finished(ApiCall call);

  /** Tells {@code first}, then {@code second}. */
  static ApiCallListener both(ApiCallListener first, ApiCallListener second) {
    return call -> {
      first.finished(call);
      second.finished(call);
    };
  }
}
