#!/usr/bin/env bash
# Latency Infergate adds over calling a simulator replica directly, next to nginx proxying the same replicas
# round-robin, and both proxies' saturation throughput. Everything on this machine, in one run:
#   4 replicas of `infergate sim` (no front-end overhead, 1 output token: the replica is as fast as it gets),
#   `infergate serve --config` with one InferencePool over them, Debian nginx (installed when missing) with a
#   keep-alive upstream, and `infergate bench load` (open loop, Poisson arrivals) as the client of all three.
# Usage: scripts/bench-gateway.sh [seconds per run] [body sizes] [rates] [closed-loop connections]
# Prints a Markdown table on stdout; logs and configs stay in $work (printed on stderr) until the script ends.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-10}
bodies=${2:-"4096 204800"}
rates=${3:-"500 2000"}
conns=${4:-64}
warmup=3
sim_port=18100
sim_admin=18199
gw_port=18080
gw_admin=18090
nginx_port=18081
model=meta-llama/Llama-3.1-8B-Instruct
cd "$root"

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx ..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >&2
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
./infergate --version >/dev/null # builds the jar once; then run that jar, so edits meanwhile cannot rebuild it
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
jar=$(mktemp /tmp/infergate-bench.XXXXXX.jar)
cp app/target/infergate.jar "$jar"
# exec: backgrounded with &, $! is then the JVM itself and the trap can stop it
ig() { exec "$INFERGATE_JAVA_HOME/bin/java" ${INFERGATE_JAVA_OPTS:-} -jar "$jar" "$@"; }

work=$(mktemp -d /tmp/bench-gateway.XXXXXX)
echo "work dir: $work" >&2
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$jar"
}
trap cleanup EXIT INT TERM

wait_http() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }

# 1. replicas
(ig sim --replicas 4 --port $sim_port --admin-port $sim_admin --frontend-overhead-ms 0 \
    --output-lengths fixed:1) >"$work/sim.log" 2>&1 &
pids+=($!)
for i in 0 1 2 3; do wait_http "http://127.0.0.1:$((sim_port + i))/v1/models"; done

# 2. the gateway
cat >"$work/gateway.yaml" <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: infergate
  listeners: [{name: http, protocol: HTTP, port: $gw_port}]
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
  selector: {matchLabels: {app: sim}}
  targetPorts: [{number: $sim_port}, {number: $((sim_port + 1))}, {number: $((sim_port + 2))}, {number: $((sim_port + 3))}]
---
apiVersion: v1
kind: Pod
metadata: {name: sim-0, labels: {app: sim}}
status: {podIP: 127.0.0.1}
YAML
(ig serve --config "$work/gateway.yaml" --admin-port $gw_admin) >"$work/gateway.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$gw_admin/readyz"

# 3. nginx, round-robin over the same replicas with keep-alive upstream connections
cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  client_max_body_size 16m;
  client_body_buffer_size 256k;
  upstream replicas {
    server 127.0.0.1:$sim_port;
    server 127.0.0.1:$((sim_port + 1));
    server 127.0.0.1:$((sim_port + 2));
    server 127.0.0.1:$((sim_port + 3));
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
NGINX
"$nginx_bin" -c "$work/nginx.conf" -g 'daemon on;'
wait_http "http://127.0.0.1:$nginx_port/v1/models"

# 4. measurements
declare -A url=([direct]="http://127.0.0.1:$sim_port/v1/completions"
                [infergate]="http://127.0.0.1:$gw_port/v1/completions"
                [nginx]="http://127.0.0.1:$nginx_port/v1/completions")
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }
pct() { sed -n "s/^$1.*: p50 \([0-9.]*\) p90 \([0-9.]*\) p99 \([0-9.]*\) max \([0-9.]*\)/\1 \2 \3 \4/p" <<<"$2"; }
run() { # target body rate|max
  local extra
  if [ "$3" = max ]; then extra=(--max --connections "$conns"); else extra=(--rate "$3"); fi
  (ig bench load --target "${url[$1]}" --body-bytes "$2" --model "$model" --warmup $warmup \
      --duration "$seconds" "${extra[@]}") 2>>"$work/load.err" || true
}
printf '| body | rate req/s | target | achieved req/s | errors | p50 ms | p90 ms | p99 ms | max ms | added p50 ms | added p99 ms |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for b in $bodies; do
  for r in $rates; do
    d50=; d99=
    for t in direct infergate nginx; do
      out=$(run $t "$b" "$r"); echo "$out" >&2
      read -r p50 p90 p99 pmax <<<"$(pct 'latency ms' "$out")"
      if [ $t = direct ]; then d50=$p50; d99=$p99; a50=-; a99=-; else
        a50=$(awk -v a="$p50" -v b="$d50" 'BEGIN{printf "%+.3f", a-b}'); a99=$(awk -v a="$p99" -v b="$d99" 'BEGIN{printf "%+.3f", a-b}'); fi
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$((b / 1024)) KiB" "$r" "$t" \
        "$(field achieved "$out")" "$(field errors "$out")" "$p50" "$p90" "$p99" "$pmax" "$a50" "$a99"
    done
  done
done
printf '\n| body | target | closed loop, %s connections: req/s | errors | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n' "$conns"
for b in $bodies; do
  for t in direct infergate nginx; do
    out=$(run $t "$b" max); echo "$out" >&2
    read -r p50 p90 p99 pmax <<<"$(pct 'latency ms' "$out")"
    printf '| %s | %s | %s | %s | %s | %s |\n' "$((b / 1024)) KiB" "$t" "$(field achieved "$out")" \
      "$(field errors "$out")" "$p50" "$p99"
  done
done
