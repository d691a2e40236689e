package io.infergate.scheduler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.infergate.api.model.PoolEndpoint;
import io.infergate.scheduler.admission.FlowControlConfig;
import io.infergate.scheduler.admission.FlowController;
import io.infergate.scheduler.datastore.Datastore;
import io.infergate.scheduler.model.ModelHeaders;
import io.infergate.scheduler.model.Resolution;
import io.infergate.scheduler.openai.OpenAiRequestScanner;
import io.infergate.scheduler.openai.ScannedRequest;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.EndpointPicker;
import io.infergate.scheduler.pick.InFlightTracker;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.pick.PoolId;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Every decision kind and every refusal the pipeline itself makes; virtual clocks, no threads, no sleeps. */
class RequestPipelineTest {

    private static final PoolId POOL = new PoolId("inference.networking.k8s.io", "ns", "pool");
    private static final Endpoint A = endpoint("a", "10.0.0.1");
    private static final Endpoint B = endpoint("b", "10.0.0.2");
    private static final PoolSnapshot SNAPSHOT = new PoolSnapshot(POOL, List.of(A, B));

    private final long[] now = {0};
    private final List<Long> pickNanos = new ArrayList<>();
    private final RequestPipeline pipeline = new RequestPipeline(() -> now[0], pickNanos::add);
    private final List<PickRequest> picked = new ArrayList<>();

    private static Endpoint endpoint(String name, String ip) {
        return Endpoint.of(new PoolEndpoint(name, name, ip, 8000, 0), Map.of());
    }

    /** A pool whose picker ranks the candidates as given (or answers {@code rejection}), timed 5 ns a pick. */
    private final class Pool implements PoolState {
        String knownModel = "m";
        String target = "m";
        int priority = 0;
        PickResult rejection;
        EndpointPicker picker = (request, candidates) -> {
            picked.add(request);
            now[0] += 5;
            return rejection != null ? rejection : new PickResult.Picked(candidates.endpoints());
        };
        FlowController<Object> flow;
        PoolSnapshot snapshot = SNAPSHOT;

        @Override
        public Resolution resolve(
                String incomingModel, String rewriteHeader, String objectiveHeader, RandomGenerator random) {
            if (!incomingModel.equals(knownModel)) {
                return new Resolution.UnknownModel(incomingModel, "model " + incomingModel + " not found");
            }
            return new Resolution.Resolved(
                    incomingModel,
                    target,
                    priority,
                    Resolution.TargetSource.INCOMING,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
        }

        @Override
        public PoolSnapshot snapshot() {
            return snapshot;
        }

        @Override
        public EndpointPicker picker() {
            return picker;
        }

        @Override
        public FlowController<Object> flowControl() {
            return flow;
        }
    }

    private static ParsedRequest request(String json) {
        return request(json, null, false, null);
    }

    private static ParsedRequest request(
            String json, String fairness, boolean explain, UnaryOperator<List<Endpoint>> candidates) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ScannedRequest scanned = new OpenAiRequestScanner().scan(body);
        return new ParsedRequest(
                "req-1",
                scanned,
                body,
                0,
                body.length,
                null,
                null,
                fairness,
                "",
                explain,
                candidates,
                new SplittableRandom(1),
                Runnable::run);
    }

    @Test
    void forwardsToTheRankedEndpointsWithTheTokenEstimates() {
        Pool pool = new Pool();
        String prompt = "\"" + "x".repeat(38) + "\""; // 40 bytes with its quotes: 10 tokens
        Decision d = pipeline.decide(request("{\"model\":\"m\",\"prompt\":" + prompt + ",\"max_tokens\":7}"), pool);

        assertThat(d).isInstanceOf(Decision.Forward.class);
        Decision.Forward f = (Decision.Forward) d;
        assertThat(f.endpoints()).containsExactly(A, B);
        assertThat(f.preferred()).isEqualTo(A);
        assertThat(f.rewrite()).isNull();
        assertThat(f.promptTokens()).isEqualTo(10);
        assertThat(f.outputTokens()).isEqualTo(7);
        assertThat(f.explanation()).isNull();
        assertThat(f.request().targetModel()).isEqualTo("m");
        assertThat(f.request().fairnessId()).isEqualTo(ModelHeaders.DEFAULT_FAIRNESS_ID);
        assertThat(f.request().promptBytes()).isEqualTo(40);
        assertThat(pickNanos).containsExactly(5L);
    }

    @Test
    void aBodyWithoutAModelIsPickedForWithoutResolution() {
        Pool pool = new Pool();
        pool.knownModel = "nothing matches";
        Decision d = pipeline.decide(request("{\"input\":\"hi\"}"), pool);

        Decision.Forward f = (Decision.Forward) d;
        assertThat(f.request().targetModel()).isEmpty();
        assertThat(f.promptTokens()).isZero();
        assertThat(f.outputTokens()).isEqualTo(TokenEstimate.DEFAULT_OUTPUT_ESTIMATE);
    }

    @Test
    void aRewrittenModelIsABodyEditNotACopy() {
        Pool pool = new Pool();
        pool.target = "m-v2";
        Decision.Forward f = (Decision.Forward) pipeline.decide(request("{\"model\":\"m\",\"prompt\":\"p\"}"), pool);

        assertThat(f.rewrite()).isNotNull();
        assertThat(f.rewrite().upstream().name()).isEqualTo("m-v2");
        assertThat(f.rewrite().client().name()).isEqualTo("m");
        assertThat(f.rewrite().splicedLength()).isEqualTo("{\"model\":\"m-v2\",\"prompt\":\"p\"}".length());
        assertThat(f.request().targetModel()).isEqualTo("m-v2");
    }

    @Test
    void anUnknownModelIsRefusedBeforeAnythingIsResolved() {
        Decision d = pipeline.decide(request("{\"model\":\"other\"}"), new Pool());

        assertThat(d).isEqualTo(new Decision.Refuse(ErrorCode.UNKNOWN_MODEL, 404, "model other not found", null));
        assertThat(picked).isEmpty();
    }

    @Test
    void aRequestNarrowedToNoCandidatesIsRefused() {
        Pool pool = new Pool();
        pool.priority = 3;
        Decision d = pipeline.decide(request("{\"model\":\"m\"}", null, false, all -> List.of()), pool);

        Decision.Refuse r = (Decision.Refuse) d;
        assertThat(r.code()).isEqualTo(ErrorCode.NO_ENDPOINT);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.message()).isEqualTo(RequestPipeline.NO_CANDIDATES);
        assertThat(r.request().priority()).isEqualTo(3); // resolved before it was refused: transports log it
        assertThat(picked).isEmpty();
    }

    @Test
    void theCandidatesFilterNarrowsWhatThePickerSees() {
        Decision.Forward f = (Decision.Forward)
                pipeline.decide(request("{\"model\":\"m\"}", null, false, all -> List.of(B)), new Pool());

        assertThat(f.endpoints()).containsExactly(B);
    }

    @Test
    void aShedPickIsRefusedWith429() {
        Pool pool = new Pool();
        pool.rejection = new PickResult.Rejected(429, "saturated");
        assertThat(pipeline.decide(request("{\"model\":\"m\"}"), pool))
                .isEqualTo(new Decision.Refuse(ErrorCode.SHED, 429, "saturated", picked.getFirst()));
        assertThat(pickNanos).containsExactly(5L); // rejected picks are timed too
    }

    @Test
    void anyOtherRejectionKeepsItsStatus() {
        Pool pool = new Pool();
        pool.rejection = new PickResult.Rejected(503, "no ready endpoint");
        Decision.Refuse r = (Decision.Refuse) pipeline.decide(request("{\"model\":\"m\"}"), pool);

        assertThat(r.code()).isEqualTo(ErrorCode.NO_ENDPOINT);
        assertThat(r.status()).isEqualTo(503);
    }

    // ---- flow control

    private final boolean[] capacity = {true};

    private FlowController<Object> flow(FlowControlConfig config) {
        return new FlowController<>(config, (priority, dispatching) -> capacity[0], () -> now[0]);
    }

    @Test
    void withCapacityARequestGoesAtOnce() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        assertThat(pipeline.decide(request("{\"model\":\"m\"}", "tenant", false, null), pool))
                .isInstanceOf(Decision.Forward.class);
        assertThat(picked.getFirst().fairnessId()).isEqualTo("tenant");
    }

    @Test
    void aQueuedRequestIsPickedForWhenDispatched() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(request("{\"model\":\"m\"}"), pool);
        assertThat(q.ticket().isDone()).isFalse();
        assertThat(picked).isEmpty(); // nothing is picked while the request waits

        capacity[0] = true;
        pool.flow.poke();
        var outcome = q.ticket().outcome().toCompletableFuture().getNow(null);
        assertThat(q.resume(outcome, null)).isInstanceOf(Decision.Forward.class);
        assertThat(picked).hasSize(1);
    }

    @Test
    void aQueuedRequestIsPickedFromThePoolAsItIsWhenDispatchedNotAsItWasWhenQueued() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        pool.snapshot = new PoolSnapshot(POOL, List.of()); // queued while the pool had no ready endpoint
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(request("{\"model\":\"m\"}"), pool);

        pool.snapshot = new PoolSnapshot(POOL, List.of(B)); // a reload added a pod
        capacity[0] = true;
        pool.flow.poke();
        var outcome = q.ticket().outcome().toCompletableFuture().getNow(null);
        Decision d = q.resume(outcome, null);
        assertThat(d).isInstanceOf(Decision.Forward.class);
        assertThat(((Decision.Forward) d).endpoints()).containsExactly(B);
    }

    @Test
    void aQueuedRequestWhoseCandidatesLeftWhileItWaitedIsRefusedAtDispatch() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(
                request("{\"model\":\"m\"}", null, false, eps -> eps.contains(A) ? List.of(A) : List.of()), pool);

        pool.snapshot = new PoolSnapshot(POOL, List.of(B)); // A was removed meanwhile
        capacity[0] = true;
        pool.flow.poke();
        var outcome = q.ticket().outcome().toCompletableFuture().getNow(null);
        Decision d = q.resume(outcome, null);
        assertThat(d).isInstanceOf(Decision.Refuse.class);
        assertThat(((Decision.Refuse) d).code()).isEqualTo(ErrorCode.NO_ENDPOINT);
        assertThat(picked).isEmpty();
    }

    @Test
    void aQueuedRequestThatExpiresIsAQueueTimeout() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT.withRequestTtl(Duration.ofSeconds(1)));
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(request("{\"model\":\"m\"}"), pool);

        now[0] += Duration.ofSeconds(2).toNanos();
        pool.flow.sweepExpired();
        Decision.Refuse r = (Decision.Refuse)
                q.resume(q.ticket().outcome().toCompletableFuture().getNow(null), null);
        assertThat(r.code()).isEqualTo(ErrorCode.QUEUE_TIMEOUT);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.code().reference()).isEqualTo(ErrorCode.ReferenceCode.SERVICE_UNAVAILABLE);
    }

    @Test
    void aCancelledWaitIsAQueueTimeoutToo() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(request("{\"model\":\"m\"}"), pool);

        q.ticket().cancel();
        Decision.Refuse r = (Decision.Refuse)
                q.resume(q.ticket().outcome().toCompletableFuture().getNow(null), null);
        assertThat(r.code()).isEqualTo(ErrorCode.QUEUE_TIMEOUT);
    }

    @Test
    void aFullQueueShedsAtOnce() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT.withMaxRequests(1));
        capacity[0] = false;
        assertThat(pipeline.decide(request("{\"model\":\"m\"}"), pool)).isInstanceOf(Decision.Queued.class);

        Decision.Refuse r = (Decision.Refuse) pipeline.decide(request("{\"model\":\"m\"}"), pool);
        assertThat(r.code()).isEqualTo(ErrorCode.SHED);
        assertThat(r.status()).isEqualTo(429);
    }

    @Test
    void aClosedQueueRefusesWithItsOwnStatus() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(request("{\"model\":\"m\"}"), pool);

        pool.flow.close();
        Decision.Refuse r = (Decision.Refuse)
                q.resume(q.ticket().outcome().toCompletableFuture().getNow(null), null);
        assertThat(r.code()).isEqualTo(ErrorCode.NO_ENDPOINT);
        assertThat(r.status()).isEqualTo(503);
    }

    @Test
    void aFailedWaitIsAnInternalError() {
        Pool pool = new Pool();
        pool.flow = flow(FlowControlConfig.DEFAULT);
        capacity[0] = false;
        Decision.Queued q = (Decision.Queued) pipeline.decide(request("{\"model\":\"m\"}"), pool);

        Decision.Refuse r = (Decision.Refuse) q.resume(null, new IllegalStateException("boom"));
        assertThat(r.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(r.message()).isEqualTo("flow control failed: java.lang.IllegalStateException: boom");
        q.ticket().cancel();
    }

    // ---- explain

    @Test
    void aSchedulerExplainsItsPickWhenAsked() {
        Datastore datastore = new Datastore();
        datastore.publish(SNAPSHOT);
        PrefixHasher hasher = PrefixHasher.defaults();
        SplittableRandom random = new SplittableRandom(7);
        Scheduler scheduler = new Scheduler(
                datastore,
                new InFlightTracker(),
                BuiltInProfiles.named(BuiltInProfiles.GIE_V1_DEFAULT, new PrefixIndex(), hasher),
                null,
                hasher,
                () -> now[0],
                () -> random);
        Pool pool = new Pool();
        pool.picker = scheduler;

        Decision.Forward f = (Decision.Forward) pipeline.decide(request("{\"model\":\"m\"}", null, true, null), pool);
        assertThat(f.explanation()).isNotBlank();
        Decision.Forward plain = (Decision.Forward) pipeline.decide(request("{\"model\":\"m\"}"), pool);
        assertThat(plain.explanation()).isNull();
    }

    // ---- the refusal table

    @Test
    void everyErrorCodeHasAStatusAnOpenAiErrorAndAReferenceCode() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(c.status()).as(c.name()).isBetween(400, 599);
            assertThat(c.type()).as(c.name()).isIn("invalid_request_error", "rate_limit_error", "server_error");
            assertThat(c.code()).as(c.name()).isNotBlank();
            assertThat(c.reference().httpStatus() / 100).as(c.name()).isEqualTo(c.status() / 100);
        }
        assertThat(ErrorCode.SHED.reference().wire()).isEqualTo("ResourceExhausted");
        assertThat(ErrorCode.UNKNOWN_MODEL.reference().wire()).isEqualTo("NotFound");
        assertThat(ErrorCode.MALFORMED_BODY.reference().wire()).isEqualTo("BadRequest");
        assertThat(ErrorCode.BODY_TOO_LARGE.reference().wire()).isEqualTo("PayloadTooLarge");
        assertThat(ErrorCode.UPSTREAM_TIMEOUT.reference()).isEqualTo(ErrorCode.ReferenceCode.INTERNAL);
        assertThat(ErrorCode.ReferenceCode.ofStatus(418)).isEqualTo(ErrorCode.ReferenceCode.BAD_REQUEST);
    }

    @Test
    void tokenEstimatesCapTheOutputAndCountFourBytesAToken() {
        OpenAiRequestScanner scanner = new OpenAiRequestScanner();
        assertThat(TokenEstimate.outputTokens(null)).isZero();
        assertThat(TokenEstimate.outputTokens(scanner.scan("{\"max_tokens\":100000}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(TokenEstimate.MAX_OUTPUT_ESTIMATE);
        assertThat(TokenEstimate.outputTokens(scanner.scan(
                        "{\"max_tokens\":9,\"max_completion_tokens\":3}".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(3);
        assertThat(TokenEstimate.promptTokens(7)).isEqualTo(1);
        assertThat(TokenEstimate.promptBytes(null)).isZero();
    }
}
