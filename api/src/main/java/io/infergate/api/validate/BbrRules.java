package io.infergate.api.validate;

import io.infergate.api.Severity;
import io.infergate.api.model.BbrConfigMap;
import io.infergate.api.model.ConfigMap;
import io.infergate.api.model.HttpRoute;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Body-Based Routing's ConfigMaps ({@link BbrConfigMap}): each one's own data, model names claimed for two base
 * models, and route matches on {@code X-Gateway-Base-Model-Name} that no ConfigMap can satisfy.
 *
 * <p>A name mapped to two base models is an error, not "oldest wins": BBR keeps one map for all namespaces and
 * lets whichever ConfigMap it reconciled last win (and deleting either one drops the name), and GIE's guide asks
 * for every base model and adapter name to be unique. The same adapter listed under the same base model in two
 * ConfigMaps is fine (BBR supports splitting a long list).
 */
final class BbrRules {

    static final String BASE_MODEL_HEADER = "X-Gateway-Base-Model-Name";

    private BbrRules() {}

    /** Where a model name was first mapped to a base model. */
    private record Claim(ConfigMap configMap, String field, String baseModel) {}

    static void check(Reporter r) {
        List<BbrConfigMap> managed = BbrConfigMap.all(r.set());
        Map<String, Claim> claims = new HashMap<>();
        Set<String> baseModels = new HashSet<>();
        for (BbrConfigMap m : managed) {
            for (BbrConfigMap.Finding f : m.findings()) {
                if (f.severity() == Severity.ERROR) {
                    r.error(m.configMap(), f.field(), f.message());
                } else {
                    r.warning(m.configMap(), f.field(), f.message());
                }
            }
            if (m.baseModel().isEmpty()) {
                continue;
            }
            baseModels.add(m.baseModel());
            claim(r, claims, m.baseModel(), new Claim(m.configMap(), BbrConfigMap.BASE_MODEL_FIELD, m.baseModel()));
            for (int i = 0; i < m.adapters().size(); i++) {
                String adapter = m.adapters().get(i);
                if (!adapter.isEmpty()) {
                    claim(
                            r,
                            claims,
                            adapter,
                            new Claim(m.configMap(), BbrConfigMap.ADAPTERS_FIELD + "[" + i + "]", m.baseModel()));
                }
            }
        }
        unlabelled(r);
        if (!managed.isEmpty()) {
            routeMatches(r, baseModels, claims);
        }
    }

    private static void claim(Reporter r, Map<String, Claim> claims, String model, Claim claim) {
        Claim first = claims.putIfAbsent(model, claim);
        if (first == null || first.baseModel().equals(claim.baseModel())) {
            return;
        }
        ConfigMap other = first.configMap();
        r.error(
                claim.configMap(),
                claim.field(),
                "model \"" + model + "\" is mapped to base model \""
                        + claim.baseModel() + "\" here and to base model \"" + first.baseModel() + "\" by ConfigMap "
                        + other.metadata().namespace() + "/" + other.metadata().name() + " ("
                        + r.set().locate(other, first.field()) + ", " + first.field()
                        + "); Body-Based Routing would use"
                        + " whichever it read last (expected: each model name mapped to one base model, across all"
                        + " namespaces)");
    }

    /** A ConfigMap that looks like BBR's but lacks the label: BBR (since v1.4) and Infergate ignore it. */
    private static void unlabelled(Reporter r) {
        for (ConfigMap cm : r.set().configMaps()) {
            if (cm.isBbrManaged() || !cm.data().containsKey(BbrConfigMap.BASE_MODEL_KEY)) {
                continue;
            }
            String value = cm.metadata().labels().get(ConfigMap.BBR_MANAGED_LABEL);
            String found = value == null
                    ? "has no label " + ConfigMap.BBR_MANAGED_LABEL
                    : "has " + ConfigMap.BBR_MANAGED_LABEL + ": \"" + value + "\"";
            r.warning(
                    cm,
                    value == null ? "metadata.labels" : "metadata.labels." + ConfigMap.BBR_MANAGED_LABEL,
                    "ConfigMap with data.baseModel " + found + ", so Body-Based Routing ignores it (expected: "
                            + ConfigMap.BBR_MANAGED_LABEL + ": \"true\" to map its adapters to the base model)");
        }
    }

    /**
     * With bbr-managed ConfigMaps, {@code X-Gateway-Base-Model-Name} only ever carries a declared base model (or
     * is empty), so an exact match on any other value never applies.
     */
    private static void routeMatches(Reporter r, Set<String> baseModels, Map<String, Claim> claims) {
        for (HttpRoute route : r.set().httpRoutes()) {
            for (int i = 0; i < route.rules().size(); i++) {
                List<HttpRoute.Match> matches = route.rules().get(i).matches();
                for (int j = 0; j < matches.size(); j++) {
                    List<HttpRoute.ValueMatch> headers = matches.get(j).headers();
                    for (int k = 0; k < headers.size(); k++) {
                        HttpRoute.ValueMatch h = headers.get(k);
                        if (h.type() != HttpRoute.MatchType.EXACT
                                || !h.name().equalsIgnoreCase(BASE_MODEL_HEADER)
                                || baseModels.contains(h.value())) {
                            continue;
                        }
                        Claim adapterOf = claims.get(h.value());
                        String hint = adapterOf == null
                                ? ""
                                : "; \"" + h.value() + "\" is an adapter of base model \"" + adapterOf.baseModel()
                                        + "\", match that instead";
                        r.warning(
                                route,
                                "spec.rules[" + i + "].matches[" + j + "].headers[" + k + "].value",
                                "no bbr-managed ConfigMap declares baseModel \"" + h.value() + "\", so "
                                        + BASE_MODEL_HEADER + " never has this value and the match never applies"
                                        + hint + " (expected: a declared base model)");
                    }
                }
            }
        }
    }
}
