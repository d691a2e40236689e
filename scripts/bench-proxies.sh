#!/usr/bin/env bash
# The same streaming workload against the same simulated fleet through three front ends, in one run:
#   - the fleet: `infergate sim --replicas R` (simulated vLLM replicas in real time, default preset
#     llama-3.1-8b-h100) on ports $base..$base+R-1;
#   - Infergate: `infergate serve --config` with one InferencePool over the R replicas (its default scheduling
#     profile: prefix-cache, queue and KV-cache aware);
#   - Debian nginx: round-robin upstream over the replicas, keep-alive, proxy_buffering off (SSE goes out as it
#     comes in), long read timeouts;
#   - Debian HAProxy: `balance leastconn`, http mode, keep-alive, `option http-no-delay` (SSE events forwarded at
#     once), timeouts long enough for streams.
# nginx and haproxy are installed with apt-get when missing. Each target gets, in turn: a fresh fleet (restarted,
# so every target starts from empty prefix caches and idle engines), an unrecorded warm-up run at the same rate
# with another seed (the proxies' and the gateway's JIT), a second fresh fleet, then the measured run:
# `infergate bench load` with the same workload, seed, rate and duration. The load generator is open loop: TTFT
# and end-to-end latency are measured from each request's scheduled send time.
# Usage: scripts/bench-proxies.sh [workload] [rates] [seconds] [replicas] [seed]
#   defaults: shared-prefix-small "6" 30 4 1 (workloads: sharegpt, shared-prefix, shared-prefix-small, multi-turn,
#   multi-lora, priority; see `infergate bench load --help`)
# Environment: BENCH_PROXIES_RESULTS (results dir, default bench-results/proxies-<timestamp>), BENCH_PROXIES_WARMUP
#   (warm-up seconds per target, default 8, 0 = none), BENCH_PROXIES_TARGETS (default "infergate nginx haproxy"),
#   BENCH_PROXIES_PORT (first port used, default 18300), BENCH_SLO_TTFT_MS (default 2000), BENCH_SLO_TPOT_MS
#   (default 100), SIM_ARGS (extra `sim` flags, e.g. "--preset llama-3.1-8b-a100"), GATEWAY_ARGS (extra `serve`
#   flags), GATEWAY_JAVA_OPTS, INFERGATE_JAR / INFERGATE_BENCH_JAR (use that jar instead of building app/target/infergate.jar).
# Prints the comparison (Markdown) on stdout and writes it to <results>/comparison.md, next to one JSON report per
# run (<target>-rate<R>.json: a SweepReport with one point) and every log; progress goes to stderr.
set -euo pipefail
# shellcheck source=scripts/bench-stub-manifest.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-stub-manifest.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
workload=${1:-shared-prefix-small}
rates=${2:-6}
seconds=${3:-30}
replicas=${4:-4}
seed=${5:-1}
warmup=${BENCH_PROXIES_WARMUP:-8}
targets=${BENCH_PROXIES_TARGETS:-"infergate nginx haproxy"}
base=${BENCH_PROXIES_PORT:-18300}
slo_ttft=${BENCH_SLO_TTFT_MS:-2000}
slo_tpot=${BENCH_SLO_TPOT_MS:-100}
results=${BENCH_PROXIES_RESULTS:-$root/bench-results/proxies-$(date -u +%Y%m%d-%H%M%S)}
cd "$root"
if ! [[ "$replicas" =~ ^[1-8]$ ]]; then
  echo "replicas: $replicas (expected: 1..8, an InferencePool's targetPorts limit)" >&2
  exit 2
fi
gw_port=$((base + 80))
gw_admin=$((base + 90))
nginx_port=$((base + 81))
haproxy_port=$((base + 82))
declare -A port=([infergate]=$gw_port [nginx]=$nginx_port [haproxy]=$haproxy_port)
for t in $targets; do
  [ -n "${port[$t]:-}" ] || { echo "target: $t (expected: infergate, nginx or haproxy)" >&2; exit 2; }
done

need() { # binary package
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] && return 0
  echo "installing $2 ..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need nginx nginx
need haproxy haproxy
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ -z "${INFERGATE_JAR:-}" ]; then
  ./infergate --version >/dev/null # builds the jar when sources changed
  ./infergate bench --version >/dev/null # and the bench jar
fi
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
java=$INFERGATE_JAVA_HOME/bin/java
mkdir -p "$results"
jar=$(mktemp /tmp/infergate-proxies.XXXXXX.jar) # run a copy, so a rebuild meanwhile cannot change it
cp "${INFERGATE_JAR:-app/target/infergate.jar}" "$jar"
bench_jar=$(mktemp /tmp/infergate-proxies-bench.XXXXXX.jar) # the load tools are in the bench jar
cp "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-app/target/infergate-bench.jar}}" "$bench_jar"
work=$(mktemp -d /tmp/bench-proxies.XXXXXX)
echo "results: $results; work dir: $work; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

pids=()
sim_pid=
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$sim_pid" ] && wait "$sim_pid" 2>/dev/null || true
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$jar" "$bench_jar"
}
trap cleanup EXIT INT TERM

wait_http() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
# a one-token completion through $1 until it answers 200 (the gateway needs a scrape of a restarted fleet first)
probe() {
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null -H 'content-type: application/json' \
      -d '{"model":"meta-llama/Llama-3.1-8B-Instruct","prompt":"ping","max_tokens":1}' "$1/v1/completions" && return 0
    sleep 0.2
  done
  echo "no completion through $1" >&2; return 1
}

# ---- the fleet: started, and restarted before every run so that each one starts from empty caches ----
# upstream keep-alive never times out on the replicas' side, so no proxy ever races an idle-timeout close
start_fleet() {
  # shellcheck disable=SC2086
  "$java" -jar "$jar" sim --replicas "$replicas" --port "$base" --admin-port -1 --seed "$seed" \
      --keep-alive-timeout-ms 3600000 ${SIM_ARGS:-} >>"$results/sim.log" 2>&1 &
  sim_pid=$!
  for ((i = 0; i < replicas; i++)); do wait_http "http://127.0.0.1:$((base + i))/v1/models"; done
}
stop_fleet() {
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=
}
start_fleet

# ---- Infergate ----
write_pool_gateway_yaml "$results/gateway.yaml" "$gw_port" "$base" "$replicas" sim
# shellcheck disable=SC2086
"$java" ${GATEWAY_JAVA_OPTS:-} -jar "$jar" serve --config "$results/gateway.yaml" --admin-port "$gw_admin" \
    ${GATEWAY_ARGS:-} >"$results/gateway.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$gw_admin/readyz"

upstreams() { # nginx|haproxy: one server line per replica
  for ((i = 0; i < replicas; i++)); do
    if [ "$1" = nginx ]; then echo "    server 127.0.0.1:$((base + i));"; else echo "  server s$i 127.0.0.1:$((base + i))"; fi
  done
}

# ---- nginx: round-robin, keep-alive both sides, SSE unbuffered ----
mkdir -p "$work/nginx"
cat >"$results/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $results/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log $results/nginx-access.log;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  client_max_body_size 16m;
  client_body_buffer_size 1m;
  keepalive_requests 1000000;
  upstream replicas {
$(upstreams nginx)
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 600s;
      proxy_send_timeout 600s;
    }
  }
}
NGINX
"$nginx_bin" -c "$results/nginx.conf" -g 'daemon off;' >"$results/nginx.out" 2>&1 &
pids+=($!)

# ---- HAProxy: least connections, keep-alive both sides ----
cat >"$results/haproxy.cfg" <<HAPROXY
global
  maxconn 4000
defaults
  mode http
  option http-keep-alive
  # send each SSE event as it comes, like nginx's proxy_buffering off: without it HAProxy merges small writes
  # (MSG_MORE) and clients saw tokens in bursts (inter-token p50 0.002 ms, p99 143 ms; TTFT p50 +116 ms)
  option http-no-delay
  timeout connect 5s
  timeout client 600s
  timeout server 600s
  timeout http-request 30s
  timeout http-keep-alive 60s
frontend fe
  bind 127.0.0.1:$haproxy_port
  default_backend replicas
backend replicas
  balance leastconn
  http-reuse safe
$(upstreams haproxy)
HAPROXY
"$haproxy_bin" -db -f "$results/haproxy.cfg" >"$results/haproxy.out" 2>&1 &
pids+=($!)
for t in $targets; do probe "http://127.0.0.1:${port[$t]}"; done

# ---- the runs ----
load() { # target rate seed seconds json|-
  local args=(bench load --target "http://127.0.0.1:${port[$1]}" --workload "$workload" --rate "$2" --seed "$3"
              --duration "$4" --slo-ttft-ms "$slo_ttft" --slo-tpot-ms "$slo_tpot" --timeout 120 --label "$1")
  [ "$5" != - ] && args+=(--json "$5")
  "$java" -jar "$bench_jar" "${args[@]}"
}
fresh_fleet() { stop_fleet; start_fleet; probe "http://127.0.0.1:${port[$1]}"; }

{
  echo "## $workload through Infergate, nginx (round-robin) and HAProxy (leastconn)"
  echo
  echo "$replicas simulated replicas (\`infergate sim\`${SIM_ARGS:+ $SIM_ARGS}), seed $seed, $seconds s of open-loop"
  echo "Poisson arrivals per run, a fresh fleet per run; goodput SLO: TTFT <= $slo_ttft ms and TPOT <= $slo_tpot ms;"
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, load average before $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$results/comparison.md"
for r in $rates; do
  rows=()
  for t in $targets; do
    if [ "$warmup" != 0 ]; then
      fresh_fleet "$t"
      echo "$t @ $r/s: warm-up ${warmup}s" >&2
      load "$t" "$r" $((seed + 1000)) "$warmup" - >>"$results/warmup.log" 2>&1
    fi
    fresh_fleet "$t"
    echo "$t @ $r/s: measuring ${seconds}s" >&2
    out=$(load "$t" "$r" "$seed" "$seconds" "$results/$t-rate$r.json" 2>>"$results/load.err")
    printf '%s\n\n' "$out" >>"$results/$t-rate$r.txt"
    echo "$out" | sed -n '1,/^$/p' >&2
    rows+=("$(echo "$out" | tail -n 1)")
    header=$(echo "$out" | tail -n 3 | head -n 2)
  done
  { echo; echo "### $r requests/s"; echo; echo "$header"; printf '%s\n' "${rows[@]}"; } >>"$results/comparison.md"
done
cat "$results/comparison.md"
