package dev.forge.gateway.rest.langgraph;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.gateway.config.LangGraphConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.mutiny.core.Vertx;

/**
 * Serves the LangGraph routes under {@code /lg} on the gateway's HTTP port, and at the root of their own port
 * (forge.langgraph.port, 8123 by default) so clients built for LangGraph's server find them where they look
 * unchanged. The port failing to bind (taken) leaves /lg serving, and says so in the log.
 */
@ApplicationScoped
public class LangGraphServer {

    private static final Logger LOG = Logger.getLogger(LangGraphServer.class);

    private final LangGraphRoutes routes;
    private final LangGraphConfig config;
    private final Vertx vertx;
    private volatile HttpServer server;

    public LangGraphServer(LangGraphRoutes routes, LangGraphConfig config, Vertx vertx) {
        this.routes = routes;
        this.config = config;
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        var core = vertx.getDelegate();
        router.route("/lg/*").order(-60).subRouter(routes.router(core));
        if (config.port() <= 0) {
            return;
        }
        core.createHttpServer().requestHandler(routes.router(core)).listen(config.port(), config.host())
                .onSuccess(s -> {
                    server = s;
                    LOG.infof("LangGraph API listening on %s:%d (and under /lg on the HTTP port)", config.host(),
                            s.actualPort());
                })
                .onFailure(e -> LOG.warnf("LangGraph API port %d not bound (%s); it is served under /lg on the HTTP "
                        + "port only", config.port(), e.getMessage()));
    }

    void stop(@Observes ShutdownEvent event) {
        var s = server;
        if (s != null) {
            s.close();
        }
    }
}
