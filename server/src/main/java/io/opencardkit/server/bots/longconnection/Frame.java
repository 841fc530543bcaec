package io.opencardkit.server.bots.longconnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One frame of the long connection: the official SDKs' protobuf message {@code pbbp2.Frame}. Field
 * numbers: 1 SeqID, 2 LogID (uint64), 3 service, 4 method (int32; 0 control, 1 data), 5 headers
 * ({@code {1 key, 2 value}}), 6 payloadEncoding, 7 payloadType, 8 payload (bytes), 9 LogIDNew.
 * Fields 1–4 are required by the proto2 schema.
 *
 * @param payload the payload bytes, or {@code null} when absent (an absent payload differs from an
 *     empty one: the Java SDK reads a pong's payload only when it is present)
 */
record Frame(
    long seqId,
    long logId,
    int service,
    int method,
    List<Header> headers,
    String payloadEncoding,
    String payloadType,
    byte[] payload,
    String logIdNew) {
  static final int CONTROL = 0;
  static final int DATA = 1;

  /** One {@code pbbp2.Header}. */
  record Header(String key, String value) {
    Header {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  Frame {
    headers = List.copyOf(headers);
  }

  /** The first value of a header, or {@code null}. */
  String header(String key) {
    for (Header h : headers) {
      if (h.key().equals(key)) {
        return h.value();
      }
    }
    return null;
  }

  /** A copy with one more header (as the SDKs add {@code biz_rt} to their replies). */
  Frame withHeader(String key, String value) {
    List<Header> more = new ArrayList<>(headers);
    more.add(new Header(key, value));
    return new Frame(
        seqId, logId, service, method, more, payloadEncoding, payloadType, payload, logIdNew);
  }
}
