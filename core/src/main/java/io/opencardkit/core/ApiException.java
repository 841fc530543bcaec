package io.opencardkit.core;

import java.util.Objects;

/**
 * An expected, client-visible refusal carrying a Feishu error code. It has no stack trace: it is an
 * outcome, not a bug.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;

  public ApiException(ErrorCode code, String message) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ApiException(ErrorCode code) {
    this(code, code.message());
  }

  /**
   * A refusal whose message is the code's default text followed by a detail about the offending
   * value.
   */
  public static ApiException of(ErrorCode code, String detail) {
    return new ApiException(code, code.message() + " (" + detail + ")");
  }

  public ErrorCode code() {
    return code;
  }
}
