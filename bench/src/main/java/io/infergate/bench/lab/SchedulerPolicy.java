package io.infergate.bench.lab;

import io.infergate.scheduler.admission.UtilizationSaturationDetector;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.pick.PickResult;
import io.infergate.scheduler.prefix.PrefixHasher;
import io.infergate.scheduler.prefix.PrefixIndex;
import io.infergate.scheduler.scheduling.Scheduler;
import io.infergate.scheduler.scheduling.SchedulerProfile;
import io.infergate.scheduler.scheduling.plugins.BuiltInProfiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * A policy that is the gateway's own endpoint picker: the real {@link Scheduler} over the lab's datastore and
 * in-flight tracker, with a prefix index of its own (learning inline, so a run is deterministic), GIE's
 * utilization saturation detector shedding sheddable requests (the gateway's admission when flow control is off),
 * and a seeded random source for the pickers' tie-breaks. Built as the gateway's {@code PoolPickers} builds a
 * pool's scheduler from a built-in profile name.
 *
 * <p>Single-threaded, like the lab.
 */
public final class SchedulerPolicy implements LabPolicy {

    private final String name;
    private final Scheduler scheduler;
    private final LabEnvironment env;
    private final Map<String, Integer> indexOf = new HashMap<>();

    /**
     * @param profile builds the profile around the pool's prefix index and hasher
     */
    public SchedulerPolicy(
            String name, LabEnvironment env, BiFunction<PrefixIndex, PrefixHasher, SchedulerProfile> profile) {
        this.name = name;
        this.env = env;
        PrefixHasher hasher = PrefixHasher.defaults();
        SplittableRandom random = new SplittableRandom(env.seed() ^ 0x632BE59BD9B4E019L);
        this.scheduler = new Scheduler(
                env.datastore(),
                env.inFlight(),
                profile.apply(new PrefixIndex(), hasher),
                // with flow control, sheddable requests wait in the queue instead of being dropped (the gateway's rule)
                env.flowControl()
                        ? null
                        : new UtilizationSaturationDetector(UtilizationSaturationDetector.Config.DEFAULT),
                hasher,
                env.nanoTime(),
                () -> (RandomGenerator) random);
        List<Endpoint> endpoints = env.snapshot().endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            indexOf.put(endpoints.get(i).hostPort(), i);
        }
    }

    /** The built-in profile {@code profileName} ({@link BuiltInProfiles}). */
    public static SchedulerPolicy builtIn(String profileName, LabEnvironment env) {
        return new SchedulerPolicy(
                profileName, env, (index, hasher) -> BuiltInProfiles.named(profileName, index, hasher));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Route route(LabRequest request, LabView view) {
        return switch (scheduler.pick(request.pick(), env.snapshot())) {
            case PickResult.Picked p -> Route.to(indexOf.get(p.preferred().hostPort()));
            case PickResult.Rejected r -> Route.refused(r.httpStatus(), r.message());
        };
    }
}
