package io.infergate.bench.chaos;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code serve --config} manifests of the chaos scenarios: a Gateway listener, an HTTPRoute to one
 * InferencePool of simulator ports on 127.0.0.1, and optionally InferenceModels with a criticality. Pure functions.
 */
public final class Manifests {

    /** The base model of the simulator's default preset. */
    public static final String BASE_MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private Manifests() {}

    /**
     * One Gateway (named {@code name}) on {@code port} whose route sends everything to pool {@code name} over
     * {@code ports}; with {@code flowControl} the pool has the {@code infergate.io/flow-control} annotation; each of
     * {@code criticalModels} (model name to criticality) is an InferenceModel targeting the base model.
     */
    public static String gateway(
            String name, int port, List<Integer> ports, boolean flowControl, List<String[]> criticalModels) {
        return gateway(name, port, ports, flowControl, criticalModels, -1, null);
    }

    /**
     * {@link #gateway(String, int, List, boolean, List)} with an external endpoint picker: the pool's
     * {@code endpointPickerRef} names Service {@code <name>-epp}, whose one Pod is the picker at
     * {@code 127.0.0.1:pickerPort} (TLS, as {@code infergate epp} serves by default), with {@code failureMode}
     * ({@code FailOpen} or {@code FailClose}).
     */
    public static String gatewayWithPicker(
            String name, int port, List<Integer> ports, int pickerPort, String failureMode) {
        return gateway(name, port, ports, false, List.of(), pickerPort, failureMode);
    }

    private static String gateway(
            String name,
            int port,
            List<Integer> ports,
            boolean flowControl,
            List<String[]> criticalModels,
            int pickerPort,
            String failureMode) {
        String targetPorts = ports.stream().map(p -> "{number: " + p + "}").collect(Collectors.joining(", "));
        StringBuilder b = new StringBuilder()
                .append("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ")
                .append(name)
                .append("}\nspec:\n  gatewayClassName: infergate\n  listeners: [{name: http, protocol: HTTP, port: ")
                .append(port)
                .append("}]\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: ")
                .append(name)
                .append("}\nspec:\n  parentRefs: [{name: ")
                .append(name)
                .append("}]\n  rules:\n    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool,")
                .append(" name: ")
                .append(name)
                .append("}]\n---\napiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata:\n  name: ")
                .append(name)
                .append('\n');
        if (flowControl) {
            b.append("  annotations: {infergate.io/flow-control: \"true\"}\n");
        }
        b.append("spec:\n  selector: {matchLabels: {app: ")
                .append(name)
                .append("}}\n  targetPorts: [")
                .append(targetPorts)
                .append("]\n");
        if (failureMode != null) {
            b.append("  endpointPickerRef: {name: ")
                    .append(name)
                    .append("-epp, port: {number: ")
                    .append(pickerPort)
                    .append("}, failureMode: ")
                    .append(failureMode)
                    .append("}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: ")
                    .append(name)
                    .append("-epp}\nspec:\n  selector: {app: ")
                    .append(name)
                    .append("-epp}\n  ports: [{port: ")
                    .append(pickerPort)
                    .append(", targetPort: ")
                    .append(pickerPort)
                    .append(", appProtocol: http2}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: ")
                    .append(name)
                    .append("-epp, labels: {app: ")
                    .append(name)
                    .append("-epp}}\nstatus: {podIP: 127.0.0.1, phase: Running}\n");
        }
        b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ")
                .append(name)
                .append("-0, labels: {app: ")
                .append(name)
                .append("}}\nstatus: {podIP: 127.0.0.1}\n");
        for (String[] m : criticalModels) {
            b.append("---\napiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferenceModel\nmetadata: {name: ")
                    .append(m[0])
                    .append("}\nspec:\n  modelName: ")
                    .append(m[0])
                    .append("\n  criticality: ")
                    .append(m[1])
                    .append("\n  poolRef: {group: inference.networking.k8s.io, name: ")
                    .append(name)
                    .append("}\n  targetModels: [{name: ")
                    .append(BASE_MODEL)
                    .append("}]\n");
        }
        return b.toString();
    }

    /** A completion request body. */
    public static String completion(String model, int promptChars, int maxTokens, boolean stream) {
        String prompt = "the quick brown fox jumps over the lazy dog "
                .repeat(promptChars / 44 + 1)
                .substring(0, Math.max(1, promptChars));
        return "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens
                + ",\"min_tokens\":" + maxTokens + ",\"ignore_eos\":true,\"stream\":" + stream + "}";
    }
}
