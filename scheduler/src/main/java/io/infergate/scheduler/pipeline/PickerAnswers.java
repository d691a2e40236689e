package io.infergate.scheduler.pipeline;

import io.infergate.api.model.InferencePool.FailureMode;
import io.infergate.scheduler.model.Priorities;
import io.infergate.scheduler.openai.EncodedModelName;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickRequest;
import io.infergate.scheduler.pick.PoolSnapshot;
import io.infergate.scheduler.pick.PromptBytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's decisions for a pool whose picker cannot run in process: an external endpoint picker (the data
 * plane calls it over ext_proc, as Envoy would) or an invalid picker reference. The external picker stands where
 * {@link RequestPipeline#decide} resolves the model, waits in flow control and picks (all three are its job, as in
 * an Envoy deployment: resolving here too would rewrite a name the picker then fails to find); what it answers
 * becomes the same {@link Decision} the in-process pipeline returns, so a transport acts on both the same way:
 * ranked endpoints (those of this pool, in the picker's order), the body edit (the picker's body, with the client's
 * model name restored when the picker changed it), the same token estimates, and refusals from the one table
 * ({@link ErrorCode#ofPickerAnswer}, {@link ErrorCode#ofPickerFailure}). When the picker gives no usable decision
 * the pool's failure mode applies ({@link #failureMode}).
 *
 * <p>Stateless; called on the request's thread (an event loop); never blocks. Bad answers from the picker are
 * decisions (the failure mode), never exceptions.
 */
public final class PickerAnswers {

    private PickerAnswers() {}

    /**
     * A routing answer and whether the picker's decision was used: false when the failure mode decided instead
     * (the caller then ends the picker's call rather than report the served endpoint to it).
     */
    public record Routed(Decision decision, boolean byPicker) {
        public Routed {
            Objects.requireNonNull(decision, "decision");
        }
    }

    /**
     * The picker routed the request.
     *
     * @param request     the request as the client sent it (scanned; its model is the client's)
     * @param pool        the pool's ready endpoints: listed endpoints outside it are ignored (GIE conformance:
     *                    traffic stays in the pool the route chose)
     * @param picker      the picker's name, for messages
     * @param destination the {@code x-gateway-destination-endpoint} value the picker sent, unchecked
     * @param pickedModel the {@code model} of the body the picker returned, or null when it returned none or one
     *                    without a readable {@code model}
     * @param replacement the body the picker returned, or null to send the client's
     * @param mode        the pool's failure mode, for an answer that names no endpoint of the pool
     * @param maxFallback how many random ready endpoints a failing-open request is offered (the retry budget)
     */
    public static Routed routed(
            ParsedRequest request,
            PoolSnapshot pool,
            String picker,
            String destination,
            String pickedModel,
            byte[] replacement,
            FailureMode mode,
            int maxFallback) {
        return routed(request, pool, pool, picker, destination, pickedModel, replacement, mode, maxFallback);
    }

    /**
     * As {@link #routed(ParsedRequest, PoolSnapshot, String, String, String, byte[], FailureMode, int)}, with the
     * endpoints a failing-open request may go to apart from those the picker may name: the data plane's outlier
     * detection holds ejected endpoints out of its own fallback, while the picker chooses for itself.
     *
     * @param fallback the endpoints failing open chooses from (the pool's, less those the data plane ejected)
     */
    public static Routed routed(
            ParsedRequest request,
            PoolSnapshot pool,
            PoolSnapshot fallback,
            String picker,
            String destination,
            String pickedModel,
            byte[] replacement,
            FailureMode mode,
            int maxFallback) {
        List<String> listed;
        try {
            listed = PickerProtocol.parseDestinations(destination);
        } catch (IllegalArgumentException e) {
            return new Routed(
                    failureMode(
                            request,
                            fallback,
                            mode,
                            ErrorCode.ofPickerFailure(true),
                            "endpoint picker " + picker + " returned a malformed " + PickerProtocol.DESTINATION_ENDPOINT
                                    + " \"" + destination + "\": " + e.getMessage(),
                            maxFallback),
                    false);
        }
        if (listed.isEmpty()) {
            return new Routed(
                    failureMode(
                            request,
                            fallback,
                            mode,
                            ErrorCode.ofPickerFailure(false),
                            "endpoint picker " + picker + " returned no endpoint",
                            maxFallback),
                    false);
        }
        Map<String, Endpoint> byHostPort = new HashMap<>();
        for (Endpoint e : pool.endpoints()) {
            byHostPort.put(e.hostPort(), e);
        }
        List<Endpoint> ranked = new ArrayList<>(listed.size());
        for (String hp : listed) {
            Endpoint e = byHostPort.get(hp);
            if (e != null) {
                ranked.add(e);
            }
        }
        if (ranked.isEmpty()) {
            return new Routed(
                    failureMode(
                            request,
                            fallback,
                            mode,
                            ErrorCode.ofPickerFailure(false),
                            "endpoint picker " + picker + " returned no ready endpoint of InferencePool " + pool.pool()
                                    + " (" + destination + ")",
                            maxFallback),
                    false);
        }
        Decision.Rewrite rewrite = null;
        String target = request.hasModel() ? request.scanned().model() : "";
        if (replacement != null && pickedModel != null && request.hasModel() && !pickedModel.equals(target)) {
            rewrite = new Decision.Rewrite(
                    EncodedModelName.of(pickedModel), EncodedModelName.of(target), replacement.length);
            target = pickedModel;
        }
        return new Routed(forward(request, target, ranked, rewrite, replacement), true);
    }

    /**
     * The picker gave no decision: unreachable, a stream error, nothing within the timeout, cancelled
     * ({@code malformed} false), or an answer the protocol does not allow ({@code malformed} true). The pool's
     * failure mode decides.
     */
    public static Decision failed(
            ParsedRequest request,
            PoolSnapshot pool,
            String message,
            boolean malformed,
            FailureMode mode,
            int maxFallback) {
        return failureMode(request, pool, mode, ErrorCode.ofPickerFailure(malformed), message, maxFallback);
    }

    /**
     * The picker answered the client itself ({@code ImmediateResponse}): a refusal from the table, keeping the
     * picker's status; null when {@code status} is not an error status ({@link ErrorCode#ofPickerAnswer}).
     */
    public static Decision.Refuse immediate(String picker, int status, String message) {
        ErrorCode code = ErrorCode.ofPickerAnswer(status);
        if (code == null) {
            return null;
        }
        return new Decision.Refuse(
                code, status, message.isBlank() ? "endpoint picker " + picker + " answered " + status : message, null);
    }

    /**
     * What a pool does when its picker cannot decide: FailClose refuses with {@code failure}; FailOpen forwards the
     * client's body unchanged to up to {@code maxFallback} random ready endpoints of the pool (the first preferred,
     * the rest fallbacks), or refuses with {@link ErrorCode#NO_ENDPOINT} when there is none.
     */
    public static Decision failureMode(
            ParsedRequest request,
            PoolSnapshot pool,
            FailureMode mode,
            ErrorCode failure,
            String message,
            int maxFallback) {
        if (mode != FailureMode.FAIL_OPEN) {
            return new Decision.Refuse(failure, message, null);
        }
        List<Endpoint> ready = new ArrayList<>(pool.endpoints());
        if (ready.isEmpty()) {
            return new Decision.Refuse(
                    ErrorCode.NO_ENDPOINT,
                    "InferencePool " + pool.pool() + " has no ready endpoint (" + message + "; failing open)",
                    null);
        }
        List<Endpoint> chosen = new ArrayList<>(Math.min(maxFallback, ready.size()));
        while (!ready.isEmpty() && chosen.size() < maxFallback) {
            chosen.add(ready.remove(request.random().nextInt(ready.size())));
        }
        LoggerFactory.getLogger(PickerAnswers.class).debug("InferencePool {} fails open: {}", pool.pool(), message);
        return forward(request, request.hasModel() ? request.scanned().model() : "", chosen, null, null);
    }

    /** A forward that no in-process resolution or pick made: the picker's (or the failure mode's) endpoints. */
    private static Decision.Forward forward(
            ParsedRequest request, String target, List<Endpoint> ranked, Decision.Rewrite rewrite, byte[] replacement) {
        int promptBytes = TokenEstimate.promptBytes(request.scanned());
        PickRequest pick = new PickRequest(
                request.requestId(),
                target,
                Priorities.DEFAULT,
                promptBytes,
                request.flowId(),
                request.sessionId(),
                PromptBytes.NONE);
        return new Decision.Forward(
                pick,
                ranked,
                rewrite,
                TokenEstimate.promptTokens(promptBytes),
                TokenEstimate.outputTokens(request.scanned()),
                null,
                replacement);
    }
}
