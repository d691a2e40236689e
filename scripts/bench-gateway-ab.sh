#!/usr/bin/env bash
# A/B of two gateway JVM configurations on this noisy machine: both gateways run at the same time (A on :18080,
# B on :18082, both pinned to $BENCH_PROXY_CPU, default 1) in front of the stub backend (on $BENCH_CLIENT_CPU with the
# clients), both warmed up with wrk, then open-loop runs alternate A, B, A, B, ... so slow drift and other tenants'
# load hit both alike. Per configuration: median p50 / p99 of the rounds, the proxy's CPU per request, its GC
# pauses; then wrk saturation, alternating too.
#   OPTIONS are extra JVM flags; the word @no-access-log stands for a logback configuration without the access log.
# Examples:
#   scripts/bench-gateway-ab.sh "" "@no-access-log"
#   scripts/bench-gateway-ab.sh "" "-Dio.netty.eventLoopThreads=1"
#   INFERGATE_JAR_B=/path/to/other/infergate.jar scripts/bench-gateway-ab.sh "" ""   # two builds
# Usage: scripts/bench-gateway-ab.sh "OPTIONS A" "OPTIONS B" [rate] [seconds per run] [rounds] [body bytes]
# Environment: INFERGATE_JAR, INFERGATE_JAR_B (B's product jar instead of INFERGATE_JAR's), INFERGATE_BENCH_JAR (the jar with `bench`; default app/target/infergate-bench.jar, or INFERGATE_JAR when only that is set), BENCH_GATEWAY_WARMUP (s per gateway, default 30), BENCH_CLIENT_CPU, BENCH_PROXY_CPU.
set -euo pipefail
# shellcheck source=scripts/bench-stub-manifest.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-stub-manifest.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
opts_a=${1?options A}
opts_b=${2?options B}
rate=${3:-2000}
seconds=${4:-5}
rounds=${5:-5}
body=${6:-4096}
gw_warmup=${BENCH_GATEWAY_WARMUP:-30}
client_cpu=${BENCH_CLIENT_CPU:-0}
proxy_cpu=${BENCH_PROXY_CPU:-1}
stub_port=18100
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
jar_b=$(mktemp /tmp/infergate-bench-b.XXXXXX.jar) # B's build: the same one unless INFERGATE_JAR_B names another
cp "${INFERGATE_JAR_B:-${INFERGATE_JAR:-app/target/infergate.jar}}" "$jar_b"
bench_jar=$(mktemp /tmp/infergate-bench-bench.XXXXXX.jar) # the load tools are in the bench jar
cp "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-app/target/infergate-bench.jar}}" "$bench_jar"
ig() { local cpu=$1; shift; exec taskset -c "$cpu" "$INFERGATE_JAVA_HOME/bin/java" "$@"; }

work=$(mktemp -d /tmp/bench-ab.XXXXXX)
echo "work dir: $work; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$jar" "$jar_b" "$bench_jar"
}
trap cleanup EXIT INT TERM
wait_http() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }
hz=$(getconf CLK_TCK)
jiffies() { [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

cat >"$work/logback-no-access.xml" <<'XML'
<configuration>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n</pattern></encoder>
  </appender>
  <logger name="io.netty" level="WARN"/>
  <logger name="io.infergate.access" level="OFF"/>
  <root level="INFO"><appender-ref ref="STDERR"/></root>
</configuration>
XML

(ig "$client_cpu" -jar "$bench_jar" bench stub-backend --port $stub_port --ports 4) >"$work/stub.log" 2>&1 &
pids+=($!)
for i in 0 1 2 3; do wait_http "http://127.0.0.1:$((stub_port + i))/v1/models"; done

declare -A gw_port=([A]=18080 [B]=18082) gw_pid opts=([A]=$opts_a [B]=$opts_b)
for v in A B; do
  # a directory per configuration: `serve` watches it for reloads, and the logs beside it would wake the watcher
  mkdir "$work/config-$v"
  write_stub_gateway_yaml "$work/config-$v/gateway.yaml" "${gw_port[$v]}" "$stub_port"
  j=$jar; [ "$v" = B ] && j=$jar_b
  o=${opts[$v]//@no-access-log/-Dlogback.configurationFile=$work/logback-no-access.xml}
  # shellcheck disable=SC2086
  (ig "$proxy_cpu" $o "-Xlog:gc:file=$work/gc-$v.log:timemillis" -jar "$j" serve --config "$work/config-$v/gateway.yaml" \
      --admin-port -1) >"$work/gateway-$v.log" 2>&1 &
  gw_pid[$v]=$!; pids+=($!)
done
for v in A B; do wait_http "http://127.0.0.1:${gw_port[$v]}/v1/models"; done

awk -v n="$body" 'BEGIN { head = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"";
  tail = "\"}],\"max_tokens\":1,\"stream\":false}"; w = "the quick brown fox jumps over the lazy dog ";
  k = n - length(head) - length(tail); s = ""; while (length(s) < k) s = s w; printf "%s%s%s", head, substr(s, 1, k), tail }' \
  >"$work/body.json"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nlocal f = io.open("%s", "rb"); wrk.body = f:read("*a"); f:close()\n' \
  "$work/body.json" >"$work/post.lua"
wrk_run() { taskset -c "$client_cpu" wrk -t1 -c32 -d"$2s" --latency -s "$work/post.lua" "http://127.0.0.1:${gw_port[$1]}$path"; }

echo "warming up both gateways (${gw_warmup}s each) ..." >&2
for v in A B; do wrk_run $v "$gw_warmup" >/dev/null; done

declare -A res
gcs() { awk -v a="$1" -v b="$2" -F'[][]' '/Pause/ { t = $2 + 0; if (t >= a && t <= b) { n++; split($0, f, " ");
  d = f[length(f)]; sub("ms", "", d); if (d + 0 > m) m = d + 0 } } END { printf "%d/%.0f", n, m }' "$3"; }
for ((round = 0; round < rounds; round++)); do
  for v in $([ $((round % 2)) = 0 ] && echo A B || echo B A); do
    t0=$(date +%s%3N); j0=$(jiffies "${gw_pid[$v]}")
    out=$( (ig "$client_cpu" -jar "$bench_jar" bench http-load --target "http://127.0.0.1:${gw_port[$v]}$path" --rate "$rate" \
        --body-bytes "$body" --model m --warmup 1 --duration "$seconds" --preconnect 64 --connections 64 --prewarm 2) \
        2>>"$work/client.err" || true)
    t1=$(date +%s%3N); j1=$(jiffies "${gw_pid[$v]}")
    read -r p50 p99 <<<"$(sed -n 's/^latency ms.*: p50 \([0-9.]*\) p90 [0-9.]* p99 \([0-9.]*\) max.*/\1 \2/p' <<<"$out")"
    ach=$(sed -n 's/.*achieved=\([0-9.]*\).*/\1/p' <<<"$out")
    us=$(awk -v j=$((j1 - j0)) -v hz="$hz" -v w=$((t1 - t0)) -v r="${ach:-0}" \
        'BEGIN{printf "%.0f", (r > 0 ? j / hz / (w / 1000) * 1e6 / r : 0)}')
    g=$(gcs "$t0" "$t1" "$work/gc-$v.log")
    echo "round $round $v: p50 $p50 p99 $p99 achieved $ach cpu ${us}us/req gc $g load $(cut -d' ' -f1 /proc/loadavg)" >&2
    res[$v,p50]+=" $p50"; res[$v,p99]+=" $p99"; res[$v,us]+=" $us"; res[$v,gc]+=" $g"
  done
done
for ((round = 0; round < 2; round++)); do
  for v in A B; do
    out=$(wrk_run $v 5); rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
    echo "saturation round $round $v: $rps req/s" >&2
    res[$v,sat]+=" $rps"
  done
done
printf '| config | JVM options | p50 ms | p99 ms | CPU µs/req | GC pauses n/max ms per run | saturation req/s (wrk, 2 runs) |\n|---|---|---|---|---|---|---|\n'
for v in A B; do
  printf '| %s | `%s` | %s | %s | %s | %s | %s |\n' "$v" "${opts[$v]:-(none)}" "$(median <<<"${res[$v,p50]}")" \
    "$(median <<<"${res[$v,p99]}")" "$(median <<<"${res[$v,us]}")" "${res[$v,gc]# }" "${res[$v,sat]# }"
done
echo "(open loop at $rate req/s, $body-byte chat bodies, $rounds rounds of ${seconds}s, medians; load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
