package io.infergate.bench.lab;

import io.infergate.bench.lab.policy.DynamoKvPolicy;
import io.infergate.bench.lab.policy.LeastRequestPolicy;
import io.infergate.bench.lab.policy.LlmdPolicy;
import io.infergate.bench.lab.policy.PowerOfTwoPolicy;
import io.infergate.bench.lab.policy.RandomPolicy;
import io.infergate.bench.lab.policy.RoundRobinPolicy;
import io.infergate.bench.lab.policy.SglangCacheAwarePolicy;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The policies the lab compares, by name: the baselines of other routers, each implementing its published rule
 * (package {@code io.infergate.bench.lab.policy}), and the gateway's own built-in scheduling profiles running the
 * real scheduler. Stateless and thread-safe; each factory call builds a new policy for one run.
 */
public final class LabPolicies {

    private static final Map<String, Function<LabEnvironment, LabPolicy>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("round-robin", env -> new RoundRobinPolicy());
        ALL.put("random", env -> new RandomPolicy(env.seed()));
        ALL.put("least-request", env -> new LeastRequestPolicy(env.seed()));
        ALL.put("p2c", env -> new PowerOfTwoPolicy(env.seed()));
        ALL.put(
                BuiltInProfiles.GIE_V0_FILTER_TREE,
                env -> SchedulerPolicy.builtIn(BuiltInProfiles.GIE_V0_FILTER_TREE, env));
        ALL.put(BuiltInProfiles.GIE_V1_DEFAULT, env -> SchedulerPolicy.builtIn(BuiltInProfiles.GIE_V1_DEFAULT, env));
        ALL.put("sglang-cache-aware", env -> new SglangCacheAwarePolicy());
        ALL.put("llm-d", env -> new LlmdPolicy(env.seed()));
        ALL.put("dynamo-kv", env -> new DynamoKvPolicy(env.seed()));
        ALL.put(
                BuiltInProfiles.INFERGATE_DEFAULT,
                env -> SchedulerPolicy.builtIn(BuiltInProfiles.INFERGATE_DEFAULT, env));
    }

    /** Every policy name, in the order reports list them (baselines first, ours last). */
    public static final List<String> NAMES = List.copyOf(ALL.keySet());

    private LabPolicies() {}

    /**
     * The factory of the policy called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Function<LabEnvironment, LabPolicy> named(String name) {
        Function<LabEnvironment, LabPolicy> f = ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException(
                    "policy \"" + name + "\" (expected one of: " + String.join(", ", NAMES) + ")");
        }
        return f;
    }
}
