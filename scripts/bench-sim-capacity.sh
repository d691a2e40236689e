#!/usr/bin/env bash
# How many replicas and concurrent streams one simulator process carries while the inter-token times its
# clients measure stay within 10% of the step-time model's. Starts `infergate sim` in the background for each
# replica count, runs `infergate bench sim-capacity` against it for each stream count, prints one table row
# per run. Usage: scripts/bench-sim-capacity.sh [replica counts] [stream counts] [seconds per run]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
replica_counts=${1:-"1 4 8 16"}
stream_counts=${2:-"64 256 512 1024"}
seconds=${3:-20}
port=18000
admin=18999
cd "$root"
./infergate --version >/dev/null # builds the jar once
printf '| replicas | streams | completed | failed | tokens/s | client ITL mean / p50 / p99 ms | model ITL ms | client vs model | TTFT p50 / p99 ms |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for r in $replica_counts; do
  ./infergate sim --replicas "$r" --port $port --admin-port $admin --output-lengths fixed:200 >/tmp/infergate-sim.log 2>&1 &
  sim=$!
  trap 'kill $sim 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$admin/health" >/dev/null && break; sleep 0.2; done
  targets=$(seq -s, $port $((port + r - 1)) | sed "s#\([0-9]*\)#http://127.0.0.1:\1#g")
  for k in $stream_counts; do
    out=$(./infergate bench sim-capacity --target "$targets" --admin "http://127.0.0.1:$admin" --streams "$k" \
          --warmup 5 --duration "$seconds" --output-tokens 200 --prompt-chars 800 || true)
    completed=$(sed -n 's/.*completed=\([0-9]*\).*/\1/p' <<<"$out")
    failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$out")
    tps=$(sed -n 's/.*tokens\/s=\([0-9]*\).*/\1/p' <<<"$out")
    itl=$(sed -n 's/^client ITL ms: mean \([0-9.]*\) p50 \([0-9.]*\) p90 [0-9.]* p99 \([0-9.]*\)/\1 \/ \2 \/ \3/p' <<<"$out")
    model=$(sed -n 's/^model ITL ms: mean \([0-9.]*\);.*/\1/p' <<<"$out")
    ratio=$(sed -n 's/.*client\/model = [0-9.]* (\(.*\))/\1/p' <<<"$out")
    ttft=$(sed -n 's/^client TTFT ms: mean [0-9.]* p50 \([0-9.]*\) p99 \([0-9.]*\)/\1 \/ \2/p' <<<"$out")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$r" "$k" "$completed" "$failed" "$tps" "$itl" "$model" "$ratio" "$ttft"
  done
  kill $sim; wait $sim 2>/dev/null || true
  trap - EXIT
done
