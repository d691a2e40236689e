package io.infergate.simulator.server;

import java.util.Objects;

/**
 * A fleet of identical replicas.
 *
 * @param replicas  how many (1..1000)
 * @param basePort  replica {@code i} listens on {@code basePort + i}; 0 = every replica on an ephemeral port
 * @param adminPort the admin API's port, 0 = ephemeral, -1 = no admin server
 * @param template  the replica spec every replica starts from; its name, port and seed are replaced per
 *                  replica ({@code sim-<i>}, see {@code basePort}, a seed derived from the template's seed and i)
 */
public record FleetSpec(int replicas, int basePort, int adminPort, ReplicaSpec template) {

    public FleetSpec {
        Objects.requireNonNull(template, "template");
        if (replicas < 1 || replicas > 1000) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: 1..1000)");
        }
        if (basePort < 0 || (basePort > 0 && basePort + replicas - 1 > 65_535)) {
            throw new IllegalArgumentException("basePort: " + basePort
                    + " (expected: 0 = ephemeral, or a port such that " + "port + replicas - 1 <= 65535)");
        }
        if (adminPort < -1 || adminPort > 65_535) {
            throw new IllegalArgumentException(
                    "adminPort: " + adminPort + " (expected: -1 = none, 0 = ephemeral, or a port)");
        }
    }

    /** The spec of replica {@code i}. */
    public ReplicaSpec replica(int i) {
        return template.toBuilder()
                .name("sim-" + i)
                .port(basePort == 0 ? 0 : basePort + i)
                .seed(SimReplica.mix(template.seed() + i * 0x9E3779B97F4A7C15L))
                .build();
    }
}
