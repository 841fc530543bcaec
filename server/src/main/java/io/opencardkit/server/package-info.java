/**
 * The server's composition root and process: {@link io.opencardkit.server.Main} (the {@code
 * opencardkit} command line), {@link io.opencardkit.server.ServerConfig}, {@link
 * io.opencardkit.server.OpenCardKitServer} (builds and wires every other package; the only place
 * that picks the real clock, the store and the bus), the operators' side of a running node ({@code
 * Operating}: metrics, health, graceful stop) and the demo mode. Used by the test kit, the
 * distribution, the benchmarks; inside the server only {@code ServerConfig}, {@code SignInPolicy}
 * and {@code WebAccess} are read (by {@code web} and {@code signin}).
 */
package io.opencardkit.server;
