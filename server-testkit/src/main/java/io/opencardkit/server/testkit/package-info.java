/**
 * The published test kit: a real server in the test's JVM on a free port with a seed and official
 * SDK clients ({@link io.opencardkit.server.testkit.TestServer}), a clock the test moves ({@link
 * io.opencardkit.server.testkit.MutableClock}), polling waits, and the local PostgreSQL service.
 * Used by the tests of {@code server-tests}, {@code client}, {@code demo-bot} and by bot
 * developers' own tests; never by main code.
 */
package io.opencardkit.server.testkit;
