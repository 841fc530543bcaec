/**
 * The vocabulary every module shares: Feishu's error codes ({@link io.opencardkit.core.ErrorCode},
 * the one table of them), the client-visible refusal that carries one ({@link
 * io.opencardkit.core.ApiException}), the project's JSON mapper ({@link io.opencardkit.core.Json})
 * and content fingerprints for idempotency. No I/O, no threads, no clock, no Vert.x: used by
 * everything (the store adapters, the bus, the server, the test kits and the benchmarks).
 */
package io.opencardkit.core;
