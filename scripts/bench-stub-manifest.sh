# Sourced by the gateway benchmark scripts: the manifest they all serve.
# write_stub_gateway_yaml FILE GATEWAY_PORT STUB_PORT writes a Gateway listening on GATEWAY_PORT whose one HTTPRoute
# sends everything to an InferencePool of the four stub-backend ports STUB_PORT..STUB_PORT+3 on 127.0.0.1.
write_stub_gateway_yaml() {
  local file=$1 gw=$2 stub=$3
  cat >"$file" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: infergate
  listeners: [{name: http, protocol: HTTP, port: $gw}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: llm}
spec:
  parentRefs: [{name: gw}]
  rules:
    - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
---
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: pool}
spec:
  selector: {matchLabels: {app: stub}}
  targetPorts: [{number: $stub}, {number: $((stub + 1))}, {number: $((stub + 2))}, {number: $((stub + 3))}]
---
apiVersion: v1
kind: Pod
metadata: {name: stub-0, labels: {app: stub}}
status: {podIP: 127.0.0.1}
YAML
}
