# Sourced by the benchmark scripts: the manifest they serve.
# write_pool_gateway_yaml FILE GATEWAY_PORT FIRST_PORT COUNT APP writes a Gateway listening on GATEWAY_PORT whose one
# HTTPRoute sends everything to an InferencePool of the COUNT ports FIRST_PORT.. on 127.0.0.1 (one Pod labelled
# app=APP).
write_pool_gateway_yaml() {
  local file=$1 gw=$2 first=$3 count=$4 app=$5 ports="" i
  for ((i = 0; i < count; i++)); do
    ports+="${ports:+, }{number: $((first + i))}"
  done
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
  selector: {matchLabels: {app: $app}}
  targetPorts: [$ports]
---
apiVersion: v1
kind: Pod
metadata: {name: $app-0, labels: {app: $app}}
status: {podIP: 127.0.0.1}
YAML
}

# write_stub_gateway_yaml FILE GATEWAY_PORT STUB_PORT: the pool of the four stub-backend ports STUB_PORT..STUB_PORT+3.
write_stub_gateway_yaml() {
  write_pool_gateway_yaml "$1" "$2" "$3" 4 stub
}
