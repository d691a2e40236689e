#!/usr/bin/env bash
# The policy lab's published sweep (docs/benchmarks.md, "Policy lab"): every policy on every workload, at rates from
# light load to past round-robin's saturation, on 8 simulated Llama-3.1-8B H100 replicas, in virtual time.
# Same seeds, same numbers on any machine. Seeds 1-5 were used to tune infergate-default; the report uses 6-10.
# Usage: scripts/bench-lab.sh [out dir] [seeds] [workload ...]
#   defaults: bench-results/lab, 6-10, all workloads below. Environment: LAB_THREADS (default 2), INFERGATE_BENCH_JAR (a jar with `bench`, e.g. app/target/infergate-bench.jar; INFERGATE_JAR also works).
# Per workload: <out>/<workload>.json, .md, -ttft-p90.svg, -throughput.svg.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-bench-results/lab}
seeds=${2:-6-10}
shift $(( $# > 2 ? 2 : $# ))
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(shared-prefix sharegpt multi-lora multi-turn priority)
threads=${LAB_THREADS:-2}
cd "$root"
if [ -n "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-}}" ]; then
  . "$root/scripts/find-jdk.sh"
  infergate_find_jdk
  run() { "$INFERGATE_JAVA_HOME/bin/java" -jar "${INFERGATE_BENCH_JAR:-$INFERGATE_JAR}" "$@"; }
else
  run() { ./infergate "$@"; }
fi
for w in "${workloads[@]}"; do
  case "$w" in
    # round-robin saturates near 13 req/s (its output throughput stops growing): 10.4 is 80 % of that
    shared-prefix) rates=4,8,10.4,13,20,28; duration=120; warmup=30 ;;
    # round-robin saturates near 1,150 req/s
    sharegpt)      rates=400,800,1000,1100,1200; duration=60; warmup=15 ;;
    multi-lora)    rates=200,400,600; duration=40; warmup=10 ;;
    multi-turn)    rates=10,20,30,40,50; duration=60; warmup=15 ;;
    priority)      rates=800,1100,1300; duration=60; warmup=15 ;;
    *) echo "unknown workload $w" >&2; exit 2 ;;
  esac
  run bench lab --workload "$w" --rates "$rates" --seeds "$seeds" --duration "$duration" --warmup "$warmup" \
    --threads "$threads" --out "$out"
done
