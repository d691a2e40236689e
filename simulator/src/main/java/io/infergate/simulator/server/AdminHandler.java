package io.infergate.simulator.server;

import io.infergate.simulator.fault.FaultConfig;
import io.infergate.simulator.http.ApiError;
import io.infergate.simulator.http.ApiException;
import io.infergate.simulator.http.HttpResponses;
import io.infergate.simulator.http.Json;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The admin routes of a {@link SimulatorFleet}:
 * <pre>
 * GET   /replicas                  all replicas: index, name, url, port, listening, model, adapters, engine
 *                                  gauges, connections, faults
 * GET   /replicas/{i}              one replica
 * GET   /replicas/{i}/faults       its fault config
 * PUT   /replicas/{i}/faults       replace it (absent fields = no fault)
 * PATCH /replicas/{i}/faults       change some fields
 * PUT   /faults, PATCH /faults     the same for every replica
 * POST  /replicas/{i}/stop         close its socket and reset its connections (its requests abort)
 * POST  /replicas/{i}/start        bind its port again
 * GET   /health                    200
 * </pre>
 * Errors use the OpenAI error shape: 400 for bad JSON, unknown fields or invalid values (the message says
 * what was expected), 404 for an unknown replica or path, 405 for a wrong method, 409 when a start fails.
 *
 * <p>Threading: event loop; stop/start run on the admin lifecycle executor and the answer hops back. One
 * request at a time per connection is assumed (admin clients do not pipeline).
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);

    private final SimulatorFleet fleet;
    private final Executor lifecycle;

    AdminHandler(SimulatorFleet fleet, Executor lifecycle) {
        this.fleet = fleet;
        this.lifecycle = lifecycle;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        FullHttpResponse response;
        try {
            response = route(ctx, req);
        } catch (ApiException e) {
            response = HttpResponses.error(ctx.alloc(), e.error());
        } catch (RuntimeException e) {
            log.warn("admin request failed", e);
            response = HttpResponses.error(ctx.alloc(), ApiError.internal(e.toString()));
        }
        if (response != null) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    /** The response, or null when it will be written later (stop/start). */
    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.decoderResult().isFailure()) {
            throw new ApiException(ApiError.badRequest("Malformed HTTP request"));
        }
        String path = new QueryStringDecoder(req.uri()).path();
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
        HttpMethod m = req.method();
        if (path.equals("/health")) {
            return allow(m, "GET") ? HttpResponses.emptyOk() : notAllowed(ctx, "GET");
        }
        if (path.equals("/faults")) {
            if (!allow(m, "PUT", "PATCH")) {
                return notAllowed(ctx, "PUT, PATCH");
            }
            JsonNode body = Json.parse(req.content());
            // validate once against NONE so a bad body changes no replica
            FaultJson.overlay(FaultConfig.NONE, body);
            for (SimReplica r : fleet.replicas()) {
                r.faults()
                        .set(FaultJson.overlay(
                                m == HttpMethod.PUT
                                        ? FaultConfig.NONE
                                        : r.faults().config(),
                                body));
            }
            return replicasJson(ctx);
        }
        if (parts.isEmpty() || !parts.get(0).equals("replicas") || parts.size() > 3) {
            return HttpResponses.routeError(ctx.alloc(), HttpResponseStatus.NOT_FOUND, null);
        }
        if (parts.size() == 1) {
            return allow(m, "GET") ? replicasJson(ctx) : notAllowed(ctx, "GET");
        }
        int index = index(parts.get(1));
        SimReplica replica = fleet.replica(index);
        if (parts.size() == 2) {
            return allow(m, "GET") ? json(ctx, g -> replicaJson(g, index, replica)) : notAllowed(ctx, "GET");
        }
        return switch (parts.get(2)) {
            case "faults" -> faults(ctx, req, replica);
            case "stop" ->
                allow(m, "POST") ? lifecycle(ctx, index, replica, SimReplica::stop) : notAllowed(ctx, "POST");
            case "start" ->
                allow(m, "POST") ? lifecycle(ctx, index, replica, SimReplica::start) : notAllowed(ctx, "POST");
            default -> HttpResponses.routeError(ctx.alloc(), HttpResponseStatus.NOT_FOUND, null);
        };
    }

    private FullHttpResponse faults(ChannelHandlerContext ctx, FullHttpRequest req, SimReplica replica) {
        HttpMethod m = req.method();
        if (m == HttpMethod.GET) {
            return json(ctx, g -> g.writeTree(FaultJson.toJson(replica.faults().config())));
        }
        if (m == HttpMethod.PUT || m == HttpMethod.PATCH) {
            JsonNode body = Json.parse(req.content());
            FaultConfig next = FaultJson.overlay(
                    m == HttpMethod.PUT ? FaultConfig.NONE : replica.faults().config(), body);
            replica.faults().set(next);
            return json(ctx, g -> g.writeTree(FaultJson.toJson(next)));
        }
        return notAllowed(ctx, "GET, PUT, PATCH");
    }

    private FullHttpResponse lifecycle(
            ChannelHandlerContext ctx, int index, SimReplica replica, Consumer<SimReplica> action) {
        CompletableFuture.runAsync(() -> action.accept(replica), lifecycle)
                .whenComplete((v, failure) -> ctx.executor().execute(() -> {
                    FullHttpResponse r;
                    if (failure != null) {
                        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                        r = HttpResponses.error(
                                ctx.alloc(),
                                new ApiError(
                                        409,
                                        "ConflictError",
                                        "replica " + replica.name() + ": " + cause.getMessage(),
                                        null));
                    } else {
                        r = json(ctx, g -> replicaJson(g, index, replica));
                    }
                    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                }));
        return null;
    }

    private int index(String s) {
        int i;
        try {
            i = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ApiException(ApiError.badRequest("replica index: '" + s + "' (expected: an integer 0.."
                    + (fleet.replicas().size() - 1) + ")"));
        }
        if (i < 0 || i >= fleet.replicas().size()) {
            throw new ApiException(new ApiError(
                    404,
                    "NotFoundError",
                    "replica " + i + " does not exist (expected: 0.."
                            + (fleet.replicas().size() - 1) + ")",
                    null));
        }
        return i;
    }

    private FullHttpResponse replicasJson(ChannelHandlerContext ctx) {
        List<SimReplica> all = fleet.replicas();
        return json(ctx, g -> {
            g.writeStartObject();
            g.writeArrayPropertyStart("replicas");
            for (int i = 0; i < all.size(); i++) {
                replicaJson(g, i, all.get(i));
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static void replicaJson(JsonGenerator g, int index, SimReplica r) {
        g.writeStartObject();
        g.writeNumberProperty("index", index);
        g.writeStringProperty("name", r.name());
        g.writeStringProperty("url", r.url());
        g.writeNumberProperty("port", r.port());
        g.writeBooleanProperty("listening", r.isListening());
        g.writeStringProperty("model", r.models().baseName());
        g.writeArrayPropertyStart("adapters");
        for (String a : r.models().adapterNames()) {
            g.writeString(a);
        }
        g.writeEndArray();
        g.writeNumberProperty("connections", r.connectionCount());
        g.writeNumberProperty("running", r.engine().metrics().running());
        g.writeNumberProperty("waiting", r.engine().metrics().waiting());
        g.writeNumberProperty("kvCacheUsage", r.engine().metrics().kvCacheUsage());
        // simulator-only counters, for benchmarks that compare measured timings with the model's
        g.writeObjectPropertyStart("engine");
        var m = r.engine().metrics();
        g.writeNumberProperty("steps", m.steps());
        g.writeNumberProperty("stepModelNanos", m.stepModelNanos());
        g.writeNumberProperty("generationTokens", m.generationTokens());
        g.writeNumberProperty("decodeTokens", m.decodeTokens());
        g.writeNumberProperty("decodeTokenModelNanos", m.decodeTokenModelNanos());
        g.writeEndObject();
        g.writeName("faults");
        g.writeTree(FaultJson.toJson(r.faults().config()));
        g.writeEndObject();
    }

    private static boolean allow(HttpMethod m, String... methods) {
        for (String s : methods) {
            if (m.name().equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static FullHttpResponse notAllowed(ChannelHandlerContext ctx, String allow) {
        return HttpResponses.routeError(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED, allow);
    }

    private static FullHttpResponse json(ChannelHandlerContext ctx, Json.Writer w) {
        return HttpResponses.json(ctx.alloc(), HttpResponseStatus.OK, w);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection error", cause);
        ctx.close();
    }
}
