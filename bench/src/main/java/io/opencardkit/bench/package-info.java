/**
 * The benchmarks' commands and what they share: {@code StreamingLoad} (streaming updates a server
 * acknowledges per second, and at what latency), the in-JVM or out-of-process target, CPU and fsync
 * probes, Markdown reports. A client of the server; used by nobody (run by hand, see
 * docs/benchmarks.md).
 */
package io.opencardkit.bench;
