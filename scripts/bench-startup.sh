#!/usr/bin/env bash
# Time from starting `java -jar app/target/infergate.jar serve` (embedded default: simulated replicas, demo pool)
# to its first answered chat completion (HTTP 200), repeated N times; prints every run and the median.
#   scripts/bench-startup.sh [N]        default N = 7
# The jar must already be built (./infergate --version builds it). Ports are picked free per run.
# Environment: INFERGATE_JAR (time that jar instead of app/target/infergate.jar), STARTUP_JAVA_OPTS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=find-jdk.sh
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
runs=${1:-7}
jar=${INFERGATE_JAR:-$root/app/target/infergate.jar}
[ -f "$jar" ] || { echo "bench-startup: $jar is missing; build it first (./infergate --version)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench-startup: needs curl" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }

body='{"model":"meta-llama/Llama-3.1-8B-Instruct","messages":[{"role":"user","content":"Hello!"}],"max_tokens":4}'
times=()
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT
echo "jar: $jar ($(du -h "$jar" | cut -f1)); JDK: $INFERGATE_JAVA_HOME"
for ((i = 1; i <= runs; i++)); do
  port=$(free_port); admin=$(free_port)
  log=$(mktemp)
  start=$(now_ms)
  # shellcheck disable=SC2086
  "$INFERGATE_JAVA_HOME/bin/java" ${STARTUP_JAVA_OPTS:-} -jar "$jar" serve --host 127.0.0.1 --port "$port" \
      --admin-port "$admin" >"$log" 2>&1 &
  pid=$!
  ok=""
  while kill -0 "$pid" 2>/dev/null; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/v1/chat/completions" \
        -H 'content-type: application/json' -d "$body" || true)
    if [ "$code" = 200 ]; then ok=1; break; fi
    sleep 0.02
  done
  end=$(now_ms)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  if [ -z "$ok" ]; then echo "run $i: serve exited before answering; its output:" >&2; cat "$log" >&2; exit 1; fi
  rm -f "$log"
  times+=($((end - start)))
  echo "run $i: $((end - start)) ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}')
echo "median of $runs: $median ms (start of java to first 200 from /v1/chat/completions)"
