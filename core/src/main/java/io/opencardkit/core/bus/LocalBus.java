package io.opencardkit.core.bus;

/**
 * The in-process bus of a single node: there is no other node, so sending drops and nothing ever
 * arrives.
 */
enum LocalBus implements ClusterBus {
  INSTANCE;

  @Override
  public String nodeId() {
    return "local";
  }

  @Override
  public void broadcast(String message) {}

  @Override
  public void send(String nodeId, String message) {}

  @Override
  public void listen(Listener listener) {}

  @Override
  public boolean connected() {
    return true;
  }

  @Override
  public void close() {}
}
