package io.opencardkit.server.web;

import io.opencardkit.core.store.CardStore;
import io.opencardkit.server.ServerConfig;
import io.opencardkit.server.bots.callback.CardActions;
import io.opencardkit.server.cards.CardRuntime;
import io.opencardkit.server.directory.DirectoryHolder;
import io.opencardkit.server.http.Responder;
import io.opencardkit.server.im.MessageService;
import io.opencardkit.server.im.Reactions;
import io.opencardkit.server.signin.WebSignIn;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.concurrent.Executor;

/**
 * The browser side of OpenCardKit: the page, its HTTP API, and the WebSocket push of card events
 * and messages (docs/web-protocol.md). Built once per server; listens to the card runtime and the
 * message service.
 */
public final class WebChat {
  private final ViewerHub hub;
  private final WebApi api;
  private final CardRefusals refusals;
  private final WebSignIn signIn;
  private final ReadMarks readMarks;
  private final UnreadApi unreadApi;
  private final WebImages images;

  /**
   * Wires the web chat to the server's parts and starts listening to committed events, messages and
   * reactions.
   *
   * @param cardActions where users' interactions with cards go (the bots' callbacks)
   */
  public WebChat(
      Vertx vertx,
      ServerConfig config,
      DirectoryHolder directory,
      CardStore store,
      CardRuntime runtime,
      MessageService messages,
      Reactions reactions,
      CardActions cardActions,
      Executor blocking) {
    long timeout = config.streamingTimeout().toMillis();
    MessageViews views = new MessageViews(directory, runtime, config.clock(), timeout, reactions);
    ViewerHub.Liveness liveness =
        new ViewerHub.Liveness(
            config.serving().wsPingInterval(), config.serving().wsCloseTimeout());
    this.hub =
        new ViewerHub(
            vertx,
            config.clock(),
            config.streamingTimeout(),
            directory,
            runtime,
            views,
            liveness,
            config.serving().wsCompression());
    this.refusals = new CardRefusals(config.clock());
    this.signIn = new WebSignIn(vertx, config, directory, store, blocking);
    ViewerAuth auth = new ViewerAuth(config.webAuth(), directory, signIn);
    this.api =
        new WebApi(
            auth,
            directory,
            store,
            runtime,
            messages,
            views,
            hub,
            new InteractionLog(config.clock()),
            cardActions,
            refusals,
            blocking,
            config.clock(),
            timeout,
            signIn,
            new MessageRate(config.access().messagesPerSecond(), config.clock()));
    this.readMarks = new ReadMarks(store);
    this.unreadApi = new UnreadApi(auth, directory, store, readMarks, blocking);
    this.images = new WebImages(store, blocking);
    readMarks.addListener(
        mark -> hub.toViewer(mark.openId(), mark.chatId(), ReadMarks.frame(mark)));
    runtime.addListener(hub::cardEventsCommitted);
    messages.addListener(hub::messageCommitted);
    reactions.addListener(
        hub::messageCommitted); // the page replaces the message, now with its reactions
  }

  /** The viewers' frames this node ships to the other nodes of a cluster and takes from them. */
  public FrameExchange frames() {
    return hub.exchange();
  }

  /**
   * Mount right after the front door: lets the CardKit API report refusals per card to the
   * inspector.
   */
  public void mountBeforeApis(Router router) {
    router
        .route("/open-apis/*")
        .handler(
            ctx -> {
              ctx.put(Responder.REFUSAL_LISTENER, refusals);
              ctx.next();
            });
    StaticPages.mountHeaders(router);
  }

  /** Mounts the web API, the WebSocket and the static files; before the front door's catch-all. */
  public void mount(Router router) {
    signIn.mountGuard(router);
    signIn.mount(router);
    api.mount(router);
    unreadApi.mount(router);
    images.mount(router);
    StaticPages.mountFiles(router);
  }

  /**
   * Asks every page connected to this node to reconnect and reload (after the cluster bus lost
   * messages: the pages then catch up with what other nodes committed meanwhile).
   */
  public void reloadViewers() {
    hub.reloadAll("catching up after an interruption: reload over HTTP");
  }

  /**
   * Readies a new HTTP connection of the server for the web chat's WebSockets (call from the HTTP
   * servers' connection handler): with shared compression, permessage-deflate is negotiated without
   * context takeover.
   */
  public static void prepareConnection(
      io.vertx.core.http.HttpConnection connection, ServerConfig.WsCompression compression) {
    if (compression == ServerConfig.WsCompression.SHARED) {
      NoContextDeflate.install(connection, FrameDeflater.LEVEL);
    }
  }

  /**
   * Open viewer sockets per event loop thread that has served any (operators' view of how the load
   * spreads).
   */
  public java.util.Map<String, Integer> viewersPerLoop() {
    return hub.connectionsPerLoop();
  }

  /**
   * A key/value entry another node of the cluster stored: the sign-in's session key and sign-outs,
   * and users' read marks (see {@link ReadMarks}); other keys are ignored. Call off the event loop.
   */
  public void metaChangedElsewhere(String key, String value) {
    if (key.startsWith(ReadMarks.META_PREFIX)) {
      readMarks.changedElsewhere(value);
    } else {
      signIn.metaChangedElsewhere(key, value);
    }
  }

  /** Counters of the browser push. */
  public ViewerStats stats() {
    return hub.stats();
  }

  /**
   * The node is stopping: closes every viewer's socket with 1001 so that the pages reconnect at
   * once, elsewhere. Completes once every close was started.
   */
  public java.util.concurrent.CompletableFuture<Void> goingAway() {
    return hub.goingAway();
  }

  /** Stops the periodic checks; the sockets close with the HTTP server. */
  public void close() {
    signIn.close();
    hub.close();
  }
}
