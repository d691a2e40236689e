#!/usr/bin/env bash
# Why the first gateway benchmark showed a p99 of hundreds of ms at 500 req/s: a gateway JVM measured seconds after
# it started, and a load generator that opens one more connection for every request that finds all of its
# connections busy. Four cases, each against the stub backend through a gateway pinned to one core:
#   cold + growing pool  the first benchmark's method: fresh gateway, 3 s unrecorded warm-up, then measure; the
#                        client opens connections as needed (up to 4096)
#   cold + fixed pool    fresh gateway; the client opens 64 connections before the run and never more
#   warm + growing pool  after $BENCH_GATEWAY_WARMUP s (default 30) of wrk load on the gateway
#   warm + fixed pool    same warm gateway
# All at 4 KiB chat bodies, Poisson arrivals, latency from the scheduled send time. For each run: p50/p99/max of the
# measured window, connections the client opened (beyond its fixed 64), upstream connections the gateway opened,
# the gateway's GC pauses and CPU, and "settled after": the first second (from the start of the run, warm-up
# included) after which every second's p99 stays under 20 ms. Per-second timelines go to stderr.
# Usage: scripts/bench-gateway-coldstart.sh [rate] [measured seconds] [repeats]
# Environment: INFERGATE_JAR, INFERGATE_BENCH_JAR (the jar with `bench`; default app/target/infergate-bench.jar, or INFERGATE_JAR when only that is set), GATEWAY_JAVA_OPTS, BENCH_GATEWAY_WARMUP, BENCH_CLIENT_CPU (0), BENCH_PROXY_CPU (1).
set -euo pipefail
# shellcheck source=scripts/bench-stub-manifest.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-stub-manifest.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rate=${1:-500}
seconds=${2:-10}
repeats=${3:-2}
warmup=3
gw_warmup=${BENCH_GATEWAY_WARMUP:-30}
client_cpu=${BENCH_CLIENT_CPU:-0}
proxy_cpu=${BENCH_PROXY_CPU:-1}
stub_port=18100
gw_port=18080
gw_admin=18090
path=/v1/chat/completions
cd "$root"

command -v wrk >/dev/null || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2; }
if [ -z "${INFERGATE_JAR:-}" ]; then
  ./infergate --version >/dev/null
  ./infergate bench --version >/dev/null # and the bench jar
fi
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
jar=$(mktemp /tmp/infergate-bench.XXXXXX.jar)
cp "${INFERGATE_JAR:-app/target/infergate.jar}" "$jar"
bench_jar=$(mktemp /tmp/infergate-bench-bench.XXXXXX.jar) # the load tools are in the bench jar
cp "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-app/target/infergate-bench.jar}}" "$bench_jar"
ig() { local cpu=$1; shift; exec taskset -c "$cpu" "$INFERGATE_JAVA_HOME/bin/java" "$@"; }

work=$(mktemp -d /tmp/bench-coldstart.XXXXXX)
echo "work dir: $work; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
pids=()
gw_pid=
cleanup() {
  for p in "${pids[@]}" $gw_pid; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}" $gw_pid; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$jar" "$bench_jar"
}
trap cleanup EXIT INT TERM
wait_http() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
hz=$(getconf CLK_TCK)
jiffies() { [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
stub_conns() { curl -s "http://127.0.0.1:$stub_port/stats" | sed -n 's/.*"connections":\([0-9]*\).*/\1/p'; }

(ig "$client_cpu" -jar "$bench_jar" bench stub-backend --port $stub_port --ports 4) >"$work/stub.log" 2>&1 &
pids+=($!)
for i in 0 1 2 3; do wait_http "http://127.0.0.1:$((stub_port + i))/v1/models"; done

write_stub_gateway_yaml "$work/gateway.yaml" "$gw_port" "$stub_port"
awk -v n=4096 'BEGIN { head = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"";
  tail = "\"}],\"max_tokens\":1,\"stream\":false}"; w = "the quick brown fox jumps over the lazy dog ";
  k = n - length(head) - length(tail); s = ""; while (length(s) < k) s = s w; printf "%s%s%s", head, substr(s, 1, k), tail }' \
  >"$work/body.json"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s", "rb"); wrk.body = f:read("*a"); f:close()\n' \
  "$work/body.json" >"$work/post.lua"

start_gateway() { # name
  # shellcheck disable=SC2086
  (ig "$proxy_cpu" ${GATEWAY_JAVA_OPTS:-} "-Xlog:gc:file=$work/gc-$1.log:timemillis" -jar "$jar" \
      serve --config "$work/gateway.yaml" --admin-port $gw_admin) >"$work/gateway-$1.log" 2>&1 &
  gw_pid=$!
  wait_http "http://127.0.0.1:$gw_admin/readyz"
}
stop_gateway() { kill "$gw_pid"; wait "$gw_pid" 2>/dev/null || true; gw_pid=; }

printf '| case | run | p50 ms | p99 ms | max ms | errors | client conns opened | gateway upstream conns opened | gateway CPU %% | gateway GC pauses (n / max ms) | settled after s |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
run() { # case repeat gc-log pool-options...
  local name=$1 rep=$2 gclog=$3; shift 3
  local s0 s1 t0 t1 j0 j1 out
  s0=$(stub_conns); t0=$(date +%s%3N); j0=$(jiffies "$gw_pid")
  out=$( (ig "$client_cpu" -jar "$bench_jar" bench http-load --target "http://127.0.0.1:$gw_port$path" --rate "$rate" \
      --body-bytes 4096 --model m --warmup $warmup --duration "$seconds" --timeline "$@") 2>>"$work/client.err" || true)
  t1=$(date +%s%3N); j1=$(jiffies "$gw_pid"); s1=$(stub_conns)
  echo "== $name, run $rep"$'\n'"$out" >&2
  local p50 p99 pmax conns fixed gc settled cpu
  read -r p50 p99 pmax <<<"$(sed -n 's/^latency ms.*: p50 \([0-9.]*\) p90 [0-9.]* p99 \([0-9.]*\) max \([0-9.]*\)/\1 \2 \3/p' <<<"$out")"
  conns=$(sed -n 's/.*connections=\([0-9]*\).*/\1/p' <<<"$out")
  fixed=0; [[ " $* " == *" --preconnect "* ]] && fixed=64
  gc=$(awk -v a="$t0" -v b="$t1" -F'[][]' '/Pause/ { t = $2 + 0; if (t >= a && t <= b) { n++; split($0, f, " ");
         d = f[length(f)]; sub("ms", "", d); if (d + 0 > m) m = d + 0 } } END { printf "%d / %.0f", n, m }' "$gclog")
  settled=$(awk '/^  t=/ { sub("t=", "", $1); if ($6 + 0 >= 20) last = $1 + 1 } END { print last + 0 }' <<<"$out")
  cpu=$(awk -v j=$((j1 - j0)) -v w=$((t1 - t0)) -v hz="$hz" 'BEGIN{printf "%.0f", j / hz / (w / 1000) * 100}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$rep" "$p50" "$p99" "$pmax" \
    "$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$out")" \
    "$(( ${conns:-0} - fixed ))" "$(( s1 - s0 - 1 ))" "$cpu" "$gc" "$settled"
}
growing=(--connections 4096)
fixed=(--preconnect 64 --connections 64)
for ((rep = 1; rep <= repeats; rep++)); do
  start_gateway "cold-growing-$rep"; run "cold + growing pool" $rep "$work/gc-cold-growing-$rep.log" "${growing[@]}"; stop_gateway
  start_gateway "cold-fixed-$rep"; run "cold + fixed pool" $rep "$work/gc-cold-fixed-$rep.log" "${fixed[@]}"; stop_gateway
  start_gateway "warm-$rep"
  taskset -c "$client_cpu" wrk -t1 -c32 -d"${gw_warmup}s" -s "$work/post.lua" "http://127.0.0.1:$gw_port$path" >/dev/null
  run "warm + growing pool" $rep "$work/gc-warm-$rep.log" "${growing[@]}"
  run "warm + fixed pool" $rep "$work/gc-warm-$rep.log" "${fixed[@]}"
  stop_gateway
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
