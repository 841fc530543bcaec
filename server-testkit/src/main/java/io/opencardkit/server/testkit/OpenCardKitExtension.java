package io.opencardkit.server.testkit;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Starts and stops the server of an {@link OpenCardKitTest} class and hands out what the test asks
 * for. The server of a test is stopped in {@link #afterEach}, before {@link AfterTestChecks} looks
 * at the log, so a failure while stopping counts too.
 */
final class OpenCardKitExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(OpenCardKitExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    if (settings(context).lifecycle() == OpenCardKitTest.Lifecycle.PER_CLASS) {
      scope(context);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    ServerScope scope = scope(context);
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Field field : injectedFields(instance.getClass())) {
        if (!Injectables.offers(field.getType())) {
          throw new IllegalStateException(
              "@Injected " + field + ": the test kit offers no " + field.getType().getName());
        }
        field.setAccessible(true);
        field.set(instance, scope.get(field.getType()));
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (settings(context).lifecycle() == OpenCardKitTest.Lifecycle.PER_METHOD) {
      ServerScope scope = context.getStore(NAMESPACE).remove(ServerScope.class, ServerScope.class);
      if (scope != null) {
        scope.close();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return Injectables.offers(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Executable executable = parameter.getDeclaringExecutable();
    if (executable instanceof Constructor
        && settings(context).lifecycle() == OpenCardKitTest.Lifecycle.PER_METHOD) {
      throw new ParameterResolutionException(
          "a test's server starts after its class is instantiated: take "
              + parameter.getParameter().getType().getSimpleName()
              + " in the test method, in a @BeforeEach method or in"
              + " an @Injected field, or use @OpenCardKitTest(lifecycle = PER_CLASS)");
    }
    return scope(context).get(parameter.getParameter().getType());
  }

  /**
   * The scope of {@code context}'s test (PER_METHOD) or class (PER_CLASS), started when first
   * needed.
   */
  private static ServerScope scope(ExtensionContext context) {
    OpenCardKitTest settings = settings(context);
    ExtensionContext owner =
        settings.lifecycle() == OpenCardKitTest.Lifecycle.PER_CLASS
            ? classContext(context)
            : context;
    Class<?> testClass = context.getRequiredTestClass();
    return owner
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            ServerScope.class,
            key -> {
              Clock clock =
                  asksForMutableClock(testClass) ? MutableClock.startingNow() : Clock.systemUTC();
              Duration streamingTimeout = Duration.parse(settings.streamingTimeout());
              return settings.nodes() > 1
                  ? new ServerScope(
                      TestCluster.start(settings.nodes(), clock, streamingTimeout), clock)
                  : new ServerScope(TestServer.start(clock, streamingTimeout), clock);
            },
            ServerScope.class);
  }

  /** The context of the outermost class that carries the annotation. */
  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext found = context;
    for (ExtensionContext c = context; c.getParent().isPresent(); c = c.getParent().get()) {
      if (c.getTestClass().isPresent()
          && c.getTestMethod().isEmpty()
          && AnnotationSupport.isAnnotated(c.getTestClass().get(), OpenCardKitTest.class)) {
        found = c;
      }
    }
    return found;
  }

  private static OpenCardKitTest settings(ExtensionContext context) {
    for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
      var settings = AnnotationSupport.findAnnotation(c, OpenCardKitTest.class);
      if (settings.isPresent()) {
        return settings.get();
      }
    }
    throw new IllegalStateException(context.getRequiredTestClass() + " is not an @OpenCardKitTest");
  }

  private static List<Field> injectedFields(Class<?> testClass) {
    return AnnotationSupport.findAnnotatedFields(
        testClass,
        Injected.class,
        f -> !Modifier.isStatic(f.getModifiers()),
        HierarchyTraversalMode.TOP_DOWN);
  }

  /** Whether the class takes a {@link MutableClock} anywhere: an injected field or a parameter. */
  private static boolean asksForMutableClock(Class<?> testClass) {
    for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
      Class<?> k = c;
      boolean asks =
          injectedFields(k).stream().anyMatch(f -> f.getType() == MutableClock.class)
              || Stream.concat(
                      Arrays.stream(k.getDeclaredMethods()),
                      Arrays.stream(k.getDeclaredConstructors()))
                  .flatMap(e -> Arrays.stream(e.getParameterTypes()))
                  .anyMatch(t -> t == MutableClock.class);
      if (asks) {
        return true;
      }
    }
    return false;
  }
}
