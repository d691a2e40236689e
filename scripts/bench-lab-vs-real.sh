#!/usr/bin/env bash
# The policy lab against the real gateway (docs/benchmarks.md, "Policy lab"): the same GIE shared-prefix requests
# through an in-process gateway onto two real-time simulated replicas and through the lab; TTFT p50 of each and the
# gap, one Markdown row per seed. Wall-clock on the real side: run it on a quiet machine (no other load).
# Usage: scripts/bench-lab-vs-real.sh [seeds]      default seeds: 7,8,9,10,11
# Environment: INFERGATE_BENCH_JAR (a built jar with `bench`, e.g. app/target/infergate-bench.jar, instead of ./infergate; INFERGATE_JAR also works).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seeds=${1:-7,8,9,10,11}
cd "$root"
if [ -n "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-}}" ]; then
  . "$root/scripts/find-jdk.sh"
  infergate_find_jdk
  "$INFERGATE_JAVA_HOME/bin/java" -jar "${INFERGATE_BENCH_JAR:-$INFERGATE_JAR}" bench lab-vs-real --seeds "$seeds"
else
  ./infergate bench lab-vs-real --seeds "$seeds"
fi
