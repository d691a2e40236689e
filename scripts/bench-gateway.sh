#!/usr/bin/env bash
# The latency Infergate adds over calling a backend directly, next to nginx proxying the same backend
# round-robin, and both proxies' saturation throughput. Everything on this machine, in one run:
#   - the backend: `infergate bench stub-backend` on 4 ports (like 4 replicas), answering every chat completion
#     at once with a fixed one-token JSON body, so that "via proxy - direct" is the proxy's own cost;
#   - `infergate serve --config` with one InferencePool over the 4 ports (extra JVM flags: $GATEWAY_JAVA_OPTS);
#   - Debian nginx (installed when missing), 1 worker, keep-alive upstream, round-robin over the same 4 ports;
#   - clients: `infergate bench http-load` for the latency table: open loop, Poisson arrivals, latency from the
#     scheduled send time, 64 keep-alive connections per target opened before the run; the three targets (direct,
#     infergate, nginx) take turns in 1 s slices of one schedule, so they share whatever else the machine does;
#     wrk (closed loop) for saturation.
# CPU pinning (taskset): the proxies alone on $BENCH_PROXY_CPU (default 1), the clients and the stub on
# $BENCH_CLIENT_CPU (default 0). Other processes on the machine are not pinned: the "other CPU" columns say how
# much of the two cores they took.
# Order: the gateway is warmed up first (wrk, then one short open-loop pass; unrecorded: its JIT needs ~10^5
# requests on one core); then `rounds` rounds of latency runs, one per (body, rate), the targets' order rotating per
# round; the table shows the median over rounds, "added" = proxy minus direct of the same run; then saturation.
# Usage: scripts/bench-gateway.sh [seconds per target and run] [body sizes] [rates] [rounds] [wrk connections]
# Environment: INFERGATE_JAR / INFERGATE_BENCH_JAR (benchmark that jar instead of building app/target/infergate.jar),
#   GATEWAY_JAVA_OPTS (the gateway's extra JVM flags), GATEWAY_ARGS (extra `serve` flags, e.g.
#   "--scheduling-profile gie-v0-filter-tree" or "--refresh-metrics-interval 0"), BENCH_GATEWAY_WARMUP (s, default 20),
#   BENCH_SATURATION_SECONDS (default 6), BENCH_CLIENT_CPU (default 0), BENCH_PROXY_CPU (default 1).
# Prints Markdown tables on stdout; every raw result goes to stderr.
set -euo pipefail
# shellcheck source=scripts/bench-stub-manifest.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-stub-manifest.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-6}
bodies=${2:-"4096 204800"}
rates=${3:-"500 2000"}
rounds=${4:-3}
wrk_conns=${5:-32}
prewarm=1 # unrecorded closed-loop seconds before every latency run: the client JVM's own JIT
warmup=3  # then unrecorded open-loop seconds at the run's rate: one slice per target
conns=64  # latency runs: client keep-alive connections per target, all opened before the run; no more are opened
gw_warmup=${BENCH_GATEWAY_WARMUP:-20}
sat_seconds=${BENCH_SATURATION_SECONDS:-6}
client_cpu=${BENCH_CLIENT_CPU:-0}
proxy_cpu=${BENCH_PROXY_CPU:-1}
stub_port=18100
gw_port=18080
gw_admin=18090
nginx_port=18081
path=/v1/chat/completions
model=meta-llama/Llama-3.1-8B-Instruct
cd "$root"

need() { # binary package
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] && return 0
  echo "installing $2 ..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >&2
}
need nginx nginx
need wrk wrk
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${INFERGATE_JAR:-}" ]; then
  ./infergate --version >/dev/null # builds the jar when sources changed
  ./infergate bench --version >/dev/null # and the bench jar
fi
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
jar=$(mktemp /tmp/infergate-bench.XXXXXX.jar) # run a copy, so a rebuild meanwhile cannot change it
cp "${INFERGATE_JAR:-app/target/infergate.jar}" "$jar"
bench_jar=$(mktemp /tmp/infergate-bench-bench.XXXXXX.jar) # the load tools are in the bench jar
cp "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-app/target/infergate-bench.jar}}" "$bench_jar"
# exec: backgrounded with &, $! is then the JVM itself (taskset execs too) and the trap can stop it
ig() { local cpu=$1; shift; exec taskset -c "$cpu" "$INFERGATE_JAVA_HOME/bin/java" "$@"; }

work=$(mktemp -d /tmp/bench-gateway.XXXXXX)
echo "work dir: $work; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "$jar" "$bench_jar"
}
trap cleanup EXIT INT TERM

wait_http() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; return 1; }

# ---- accounting: CPU jiffies of processes, cores and the machine; the stub's connection counter ----
hz=$(getconf CLK_TCK)
ncpu=$(getconf _NPROCESSORS_ONLN)
jiffies() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
busy() { awk '/^cpu /{print $2 + $3 + $4}' /proc/stat; }                              # user nice system, all cores
core() { awk -v c="cpu$1" '$1 == c {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }     # + irq softirq, one core
reaped() { awk '{print $16 + $17}' "/proc/$$/stat"; } # CPU of this shell's finished children (load JVMs, wrk)
now_ns() { date +%s%N; }
stub_stats() { curl -s "http://127.0.0.1:$stub_port/stats" | sed -n 's/.*"connections":\([0-9]*\),"requests":\([0-9]*\).*/\1 \2/p'; }
pct_of() { awk -v j="$1" -v w="$2" -v hz=$hz -v n="${3:-1}" 'BEGIN{v = j / hz / (w / 1000) / n * 100; printf "%.0f", (v < 0 ? 0 : v)}'; }

# 1. the backend
(ig "$client_cpu" -jar "$bench_jar" bench stub-backend --port $stub_port --ports 4) >"$work/stub.log" 2>&1 &
stub_pid=$!; pids+=($stub_pid)
for i in 0 1 2 3; do wait_http "http://127.0.0.1:$((stub_port + i))/v1/models"; done

# 2. the gateway, with a GC log (wall-clock ms) to line its pauses up with each run. Its configuration gets a
#    directory of its own: `serve` watches the configuration's directory for reloads, and the logs written beside
#    it (its own access log, nginx's) would wake that watcher for every line, costing the gateway's core CPU
mkdir "$work/config"
write_stub_gateway_yaml "$work/config/gateway.yaml" "$gw_port" "$stub_port"
# shellcheck disable=SC2086
(ig "$proxy_cpu" ${GATEWAY_JAVA_OPTS:-} "-Xlog:gc:file=$work/gateway-gc.log:timemillis" -jar "$jar" \
    serve --config "$work/config/gateway.yaml" --admin-port $gw_admin ${GATEWAY_ARGS:-}) >"$work/gateway.log" 2>&1 &
gw_pid=$!; pids+=($gw_pid)
wait_http "http://127.0.0.1:$gw_admin/readyz"

# 3. nginx: one worker on the proxy core, keep-alive on both sides with no request limit per connection (like
#    Infergate), bodies buffered in memory (like Infergate), one access-log line per request (like Infergate)
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  client_max_body_size 16m;
  client_body_buffer_size 256k;
  keepalive_requests 1000000;
  upstream replicas {
    server 127.0.0.1:$stub_port;
    server 127.0.0.1:$((stub_port + 1));
    server 127.0.0.1:$((stub_port + 2));
    server 127.0.0.1:$((stub_port + 3));
    keepalive 256;
    keepalive_requests 1000000;
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
taskset -c "$proxy_cpu" "$nginx_bin" -c "$work/nginx.conf" -g 'daemon on;'
wait_http "http://127.0.0.1:$nginx_port/v1/models"
nginx_pids() { local m; m=$(cat "$work/nginx.pid"); echo "$m" $(pgrep -P "$m" || true); }

declare -A port=([direct]=$stub_port [infergate]=$gw_port [nginx]=$nginx_port)

# ---- one measured command with its bookkeeping. Sets: out, wall_ms, cpu_gw / cpu_nginx (jiffies of each proxy),
#      client_core, proxy_core (% busy of each core: all processes and interrupts), other_cpu (% of all cores used
#      by processes not started here), upstream (connections the stub accepted), served (requests it answered),
#      gc (the gateway's GC pauses in the window: count / longest ms) ----
measure() { # command...
  local t0 b0 o0 g0 n0 c0 x0 s0 r0 t1 b1 o1 g1 n1 c1 x1 s1 r1
  read -r s0 r0 <<<"$(stub_stats)"; t0=$(now_ns); b0=$(busy); c0=$(core "$client_cpu"); x0=$(core "$proxy_cpu")
  g0=$(jiffies $gw_pid); n0=$(jiffies $(nginx_pids)); o0=$(( $(jiffies $stub_pid) + g0 + n0 + $(reaped) ))
  out=$("$@" 2>>"$work/client.err" || true)
  t1=$(now_ns); b1=$(busy); c1=$(core "$client_cpu"); x1=$(core "$proxy_cpu")
  g1=$(jiffies $gw_pid); n1=$(jiffies $(nginx_pids)); o1=$(( $(jiffies $stub_pid) + g1 + n1 + $(reaped) ))
  read -r s1 r1 <<<"$(stub_stats)"
  wall_ms=$(( (t1 - t0) / 1000000 ))
  cpu_gw=$((g1 - g0)); cpu_nginx=$((n1 - n0))
  client_core=$(pct_of $((c1 - c0)) $wall_ms)
  proxy_core=$(pct_of $((x1 - x0)) $wall_ms)
  other_cpu=$(pct_of $(( (b1 - b0) - (o1 - o0) )) $wall_ms "$ncpu")
  upstream=$(( s1 - s0 - 1 )) # minus the second stats request's own connection
  served=$(( r1 - r0 - 1 ))
  gc=$(awk -v a=$((t0 / 1000000)) -v b=$((t1 / 1000000)) -F'[][]' '/Pause/ {
         t = $2 + 0; if (t >= a && t <= b) { n++; split($0, f, " "); d = f[length(f)]; sub("ms", "", d);
         if (d + 0 > m) m = d + 0 } } END { printf "%d / %.0f", n, m }' "$work/gateway-gc.log")
}
us_per_req() { awk -v j="$1" -v hz=$hz -v n="$2" 'BEGIN{printf "%.0f", (n > 0 ? j / hz * 1e6 / n : 0)}'; } # jiffies requests

load() { # body rate targets...
  local b=$1 r=$2 t; shift 2
  local args=(); for t in "$@"; do args+=(--target "http://127.0.0.1:${port[$t]}$path"); done
  (ig "$client_cpu" -jar "$bench_jar" bench http-load "${args[@]}" --slice 1 --body-bytes "$b" --model "$model" --rate "$r" \
      --warmup $warmup --duration $((seconds * $#)) --preconnect $conns --connections $conns --prewarm $prewarm)
}
wrk_run() { # target body seconds
  taskset -c "$client_cpu" wrk -t1 -c"$wrk_conns" -d"$3s" --latency -s "$work/post-$2.lua" "http://127.0.0.1:${port[$1]}$path"
}
block() { awk -v p=":$1/" '/^target=/ {on = index($0, p) > 0} on' <<<"$2"; } # one target's lines of a run
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }
pct() { sed -n "s/^$1.*: p50 \([0-9.]*\) p90 \([0-9.]*\) p99 \([0-9.]*\) max \([0-9.]*\)/\1 \2 \3 \4/p" <<<"$2"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
range() { tr ' ' '\n' | grep -v '^$' | sort -g | awk 'NR == 1 {a = $1} {b = $1} END {if (NR > 1) printf " (%+.2f..%+.2f)", a, b}'; }
sum() { tr ' ' '\n' | awk '{s += $1} END {print s + 0}'; }

# request bodies for wrk: the same JSON as `bench http-load` sends
for b in $bodies; do
  awk -v n="$b" -v m="$model" 'BEGIN { head = "{\"model\":\"" m "\",\"messages\":[{\"role\":\"user\",\"content\":\"";
    tail = "\"}],\"max_tokens\":1,\"stream\":false}"; w = "the quick brown fox jumps over the lazy dog ";
    k = n - length(head) - length(tail); s = ""; while (length(s) < k) s = s w; printf "%s%s%s", head, substr(s, 1, k), tail }' \
    >"$work/body-$b.json"
  cat >"$work/post-$b.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body-$b.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
done

# 4. warm-up, unrecorded: the gateway's JIT compiles its hot paths only after some 10^5 requests when it shares
#    one core with its compiler threads (and the stub's JIT warms up too); nginx needs none
echo "warming up the gateway (${gw_warmup}s of wrk, then one unrecorded open-loop pass) ..." >&2
for b in $bodies; do
  wrk_run infergate "$b" $((gw_warmup / $(wc -w <<<"$bodies"))) >/dev/null 2>&1 || true
done
# the open-loop client's traffic takes other paths through the JIT-compiled code than wrk's (new connections,
# other headers): one short pass of the real thing, not recorded
for b in $bodies; do
  (seconds=3 load "$b" 2000 direct infergate nginx) >/dev/null 2>>"$work/client.err" || true
done

# 5. latency: open loop, the three targets interleaved, every (body, rate), `rounds` times
declare -A res
targets=(direct infergate nginx)
for ((round = 0; round < rounds; round++)); do
  order=("${targets[@]:round % 3}" "${targets[@]:0:round % 3}")
  for b in $bodies; do
    for r in $rates; do
      measure load "$b" "$r" "${order[@]}"
      echo "round $round body $b rate $r (order ${order[*]}): gateway ${cpu_gw} jiffies, nginx ${cpu_nginx} jiffies," \
           "stub-conns-opened $upstream client-core $client_core% proxy-core $proxy_core% other-cpu $other_cpu% gc $gc" >&2
      for t in direct infergate nginx; do
        o=$(block "${port[$t]}" "$out")
        read -r p50 p90 p99 pmax <<<"$(pct 'latency ms' "$o")"
        ach=$(field achieved "$o"); sent=$(field sent "$o")
        case $t in infergate) us=$(us_per_req $cpu_gw "$sent");; nginx) us=$(us_per_req $cpu_nginx "$sent");; *) us=-;; esac
        echo "  $t: p50 $p50 p90 $p90 p99 $p99 max $pmax achieved $ach errors $(field errors "$o") sent $sent cpu ${us}us/req" >&2
        k="$b,$r,$t"
        res[$k,p50]+=" $p50"; res[$k,p90]+=" $p90"; res[$k,p99]+=" $p99"; res[$k,max]+=" $pmax"
        res[$k,ach]+=" $ach"; res[$k,err]+=" $(field errors "$o")"; res[$k,us]+=" $us"
        res[$k,cc]+=" $client_core"; res[$k,other]+=" $other_cpu"
        [ $t = infergate ] && res[$k,gc]+="${res[$k,gc]:+, }$gc"
        res[$b,$r,$round,$t,p50]=$p50; res[$b,$r,$round,$t,p99]=$p99
      done
      for t in infergate nginx; do # added latency within the same run: both sides saw the same noise
        res[$b,$r,$t,a50]+=" $(awk -v a="${res[$b,$r,$round,$t,p50]}" -v d="${res[$b,$r,$round,direct,p50]}" 'BEGIN{printf "%.3f", a - d}')"
        res[$b,$r,$t,a99]+=" $(awk -v a="${res[$b,$r,$round,$t,p99]}" -v d="${res[$b,$r,$round,direct,p99]}" 'BEGIN{printf "%.3f", a - d}')"
      done
    done
  done
done

printf '| body | rate req/s | target | p50 ms | p90 ms | p99 ms | max ms | added p50 ms (range) | added p99 ms (range) | achieved req/s | errors | proxy CPU µs/req | client core busy %% | other CPU %% | gateway GC pauses (n / max ms, per run) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for b in $bodies; do
  for r in $rates; do
    for t in direct infergate nginx; do
      k="$b,$r,$t"
      if [ $t = direct ]; then a50=-; a99=-; else
        a50=$(awk -v v="$(median <<<"${res[$k,a50]}")" 'BEGIN{printf "%+.3f", v}')$(range <<<"${res[$k,a50]}")
        a99=$(awk -v v="$(median <<<"${res[$k,a99]}")" 'BEGIN{printf "%+.3f", v}')$(range <<<"${res[$k,a99]}"); fi
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$((b / 1024)) KiB" "$r" "$t" \
        "$(median <<<"${res[$k,p50]}")" "$(median <<<"${res[$k,p90]}")" "$(median <<<"${res[$k,p99]}")" \
        "$(median <<<"${res[$k,max]}")" "$a50" "$a99" "$(median <<<"${res[$k,ach]}")" "$(sum <<<"${res[$k,err]}")" \
        "$(median <<<"${res[$k,us]}")" "$(median <<<"${res[$k,cc]}")" "$(median <<<"${res[$k,other]}")" "${res[$k,gc]:--}"
    done
  done
done

# 6. saturation: wrk, closed loop, $wrk_conns connections, one thread on the client core
to_ms() { awk '{v = $1; if (v ~ /us$/) {sub("us", "", v); v /= 1000} else if (v ~ /ms$/) {sub("ms", "", v)}
  else if (v ~ /s$/) {sub("s", "", v); v *= 1000}; printf "%.2f", v}'; }
printf '\n| body | target | saturation req/s (wrk, %s connections) | p50 ms | p99 ms | errors | proxy process CPU %% | proxy CPU µs/req | proxy core busy %% | client core busy %% | other CPU %% | limited by |\n' "$wrk_conns"
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for b in $bodies; do
  for t in direct infergate nginx; do
    measure wrk_run "$t" "$b" "$sat_seconds"
    case $t in infergate) j=$cpu_gw;; nginx) j=$cpu_nginx;; *) j=;; esac
    proxy_pct=-; us=-
    if [ -n "$j" ]; then proxy_pct=$(pct_of "$j" $wall_ms); us=$(us_per_req "$j" $served); fi
    echo "saturation body $b $t: proxy-cpu $proxy_pct% ($us us/req) client-core $client_core% proxy-core $proxy_core%" \
         "other-cpu $other_cpu% gc $gc"$'\n'"$out" >&2
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
    s50=$(awk '$1 == "50%" {print $2}' <<<"$out" | to_ms); s99=$(awk '$1 == "99%" {print $2}' <<<"$out" | to_ms)
    errs=$(awk '/Non-2xx/ {s += $NF} /Socket errors/ {gsub(",", ""); s += $4 + $6 + $8 + $10} END {print s + 0}' <<<"$out")
    if [ "$t" = direct ]; then limit="client core (wrk + stub)"; pc=-
    elif [ "$proxy_core" -ge 95 ] && [ "$client_core" -lt 95 ]; then limit="proxy core"; pc=$proxy_core
    elif [ "$client_core" -ge 95 ] && [ "$proxy_core" -lt 95 ]; then limit="client core"; pc=$proxy_core
    else limit="both cores busy"; pc=$proxy_core; fi
    printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$((b / 1024)) KiB" "$t" "${rps:-0}" "$s50" \
        "$s99" "$errs" "$proxy_pct" "$us" "$pc" "$client_core" "$other_cpu" "$limit"
  done
done
echo "stub backend: $(curl -s "http://127.0.0.1:$stub_port/stats"); load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
