#!/usr/bin/env bash
# JMH benchmarks of the endpoint picker, from the fat jar (`infergate bench jmh`), with -prof gc for bytes per operation:
#   - DecisionBenchmark: one scheduling decision (prefix hashing included, body parsing not) for every combination of
#     8/64/256 endpoints, 1/16/200 KiB prompts and the profiles infergate-default and gie-v1-default, with the prefix
#     index learning on the deciding thread (-p learner=background: on the gateway's BackgroundLearner thread);
#   - LearnBenchmark: the prefix index learning one 16 KiB prompt (256 blocks) on its own, on a full index of 64/256
#     endpoints, all blocks new (-p knownBlocks=0) or the first half a system prompt the endpoint holds (128);
#   - ScrapeBenchmark: one metrics scrape of a ~30 KiB vLLM page without the network (parse + extract, and one
#     scraper tick over 100 endpoints, per scrape); ScrapeHttpBenchmark: the same over loopback HTTP with either
#     fetcher (-p client=jdk|netty: the scheduler's JDK-client one or the gateway's Netty one, both by default)
#     against a JDK HttpServer in the same JVM.
# Every run also reports CPU per operation (io.infergate.bench.jmh.CpuProfiler: cpu.process = the whole benchmark JVM,
# GC included; for the scrapes cpu.matched = the loopback server's threads, cpu.other = the rest, i.e. the client).
# Usage: scripts/bench-jmh.sh [results dir, default bench-results/jmh] [extra JMH arguments, e.g. -p endpoints=64]
# Environment: INFERGATE_BENCH_JAR or INFERGATE_JAR (run that jar instead of building app/target/infergate-bench.jar),
#   JMH_SETTINGS (replaces the default "-f 1 -wi 3 -w 2s -i 5 -r 2s"; the full decision matrix then takes ~6 min),
#   JMH_BENCHMARKS (which of "decision learn scrape" to run, default all three).
# Writes into the results dir: <name>.json (JMH's JSON result), <name>.txt (JMH's output), machine.txt.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-bench-results/jmh}
if [ $# -gt 0 ]; then shift; fi
settings=${JMH_SETTINGS:-"-f 1 -wi 3 -w 2s -i 5 -r 2s"}
benchmarks=${JMH_BENCHMARKS:-"decision learn scrape"}
cd "$root"

if [ -z "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-}}" ]; then
  ./infergate bench --version >/dev/null # builds the jars when sources changed
fi
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
# run a copy, so a rebuild meanwhile cannot change it under the forked benchmark JVMs (they load classes from it)
jar=$(mktemp /tmp/infergate-jmh.XXXXXX.jar)
trap 'rm -f "$jar"' EXIT
cp "${INFERGATE_BENCH_JAR:-${INFERGATE_JAR:-app/target/infergate-bench.jar}}" "$jar"
mkdir -p "$out"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "cpus: $(nproc)"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "jdk: $("$INFERGATE_JAVA_HOME/bin/java" -version 2>&1 | head -n 2 | tail -n 1)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "settings: $settings -prof gc -prof io.infergate.bench.jmh.CpuProfiler $*"
} | tee "$out/machine.txt" >&2

run() { # name pattern cpu-profiler [extra JMH arguments]
  local name=$1 pattern=$2 cpu=$3
  shift 3
  # shellcheck disable=SC2086 # settings are words on purpose
  "$INFERGATE_JAVA_HOME/bin/java" -jar "$jar" bench jmh "$pattern" $settings -prof gc -prof "$cpu" \
      -rf json -rff "$out/$name.json" "$@" 2>&1 | tee "$out/$name.txt"
}
profiler=io.infergate.bench.jmh.CpuProfiler
for b in $benchmarks; do
  case $b in
    decision) run decision 'bench\.jmh\.DecisionBenchmark' "$profiler" "$@" ;;
    learn) run learn 'bench\.jmh\.LearnBenchmark' "$profiler" "$@" ;;
    scrape) run scrape 'bench\.jmh\.Scrape' "$profiler:threads=HTTP-Dispatcher|bench-metrics-server" "$@" ;;
    *) echo "unknown benchmark set: $b (expected: decision, learn, scrape)" >&2; exit 2 ;;
  esac
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2
echo "results: $out/{decision,learn,scrape}.json" >&2
