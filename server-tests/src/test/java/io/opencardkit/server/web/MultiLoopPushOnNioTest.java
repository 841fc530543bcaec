package io.opencardkit.server.web;

import io.opencardkit.server.ServerConfig;

/**
 * {@link MultiLoopPushTest} with {@code --transport nio}: what a node serves with where Linux's
 * epoll is not available (macOS, Windows), or when an operator asks for it.
 */
final class MultiLoopPushOnNioTest extends MultiLoopPushTest {
  @Override
  ServerConfig.Transport transport() {
    return ServerConfig.Transport.NIO;
  }
}
