package io.opencardkit.server.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a real OpenCardKit server in this JVM: SQLite in a temporary
 * directory (PostgreSQL when {@link TestPostgres#storeUnderTest()} names one), a free port, a fresh
 * {@link TestSeed} (two bots, two users, a group chat). Test methods, {@code @BeforeEach} methods
 * and {@link Injected} fields receive:
 *
 * <ul>
 *   <li>{@link TestServer}: the server (and through it the seed, a restart, the second bot's SDK
 *       client);
 *   <li>{@link TestSeed}: the seed's ids and secrets;
 *   <li>{@code com.lark.oapi.Client}: the official Java SDK signed in as the seeded bot;
 *   <li>{@link java.net.URI}: the server's base URL (what a bot passes as {@code openBaseUrl});
 *   <li>{@link MutableClock}: the server's wall clock, which moves only when the test advances it.
 *       A class that asks for one anywhere (a parameter or an {@link Injected} field) gets a server
 *       on a clock starting now; other classes get the system clock.
 * </ul>
 *
 * Every test is also checked by {@link AfterTestChecks}: an unexpected WARN or ERROR in the log
 * fails it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(AfterTestChecks.class)
@ExtendWith(OpenCardKitExtension.class)
public @interface OpenCardKitTest {
  /**
   * How long a streaming card may stay idle before the server closes it (ISO-8601; Feishu's 10
   * minutes).
   */
  String streamingTimeout() default "PT10M";

  /**
   * How many nodes: 1 (the default) is one server; 2 or more start an in-JVM cluster ({@link
   * TestCluster}) whose nodes share one store and an in-JVM bus, each on its own port, with the
   * same rules as nodes on PostgreSQL and Redis. {@code TestServer}, {@code Client} and the other
   * injected types are then node 0's; inject {@link TestCluster} for the others.
   */
  int nodes() default 1;

  /** Whether each test gets its own server (the default) or the class's tests share one. */
  Lifecycle lifecycle() default Lifecycle.PER_METHOD;

  /** Which tests share a server. */
  enum Lifecycle {
    /**
     * A new server (and seed, data, clock) for each test: nothing a test does can leak into
     * another.
     */
    PER_METHOD,
    /**
     * One server for all tests of the class, started before the first and stopped after the last:
     * faster, for tests that only read or that create what they use. Constructors can be injected
     * only in this mode.
     */
    PER_CLASS
  }
}
