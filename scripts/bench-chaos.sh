#!/usr/bin/env bash
# The reliability suite on real sockets (docs/reliability.md): `infergate bench chaos` starts a real `serve` gateway
# (the product jar, app/target/infergate.jar) over `infergate sim` processes on loopback and runs faults, resource
# attacks, many long-lived streams and overload; one Markdown row per case on stdout, every table in JSON.
# Wall-clock figures: run it on a quiet machine. The descriptor limit (per process) is raised for the run, to the hard
# limit at most: the scale case's streams come over h2c, 100 to a connection, so the gateway holds one descriptor per
# stream upstream and one per 100 downstream, the simulator one per stream (--streams 10000: ~10,100 and ~10,000).
# Usage: scripts/bench-chaos.sh [scenarios] [extra `bench chaos` flags...]
#   scenarios: comma-separated, of faults,attacks,scale,overload (default: all); e.g.
#   scripts/bench-chaos.sh scale --streams 10000
# Environment: INFERGATE_JAR (the gateway's jar, default app/target/infergate.jar), INFERGATE_BENCH_JAR (the bench
#   jar, default app/target/infergate-bench.jar), CHAOS_JSON (default chaos.json), CHAOS_NOFILE (default 65536).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scenarios=${1:-faults,attacks,scale,overload}
shift || true
cd "$root"
if [ -z "${INFERGATE_JAR:-}" ] || [ -z "${INFERGATE_BENCH_JAR:-}" ]; then
  ./infergate --version >/dev/null       # builds the product jar when sources changed
  ./infergate bench --version >/dev/null # and the bench jar
fi
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
# the gateway, the simulators and the clients inherit this limit
ulimit -n "${CHAOS_NOFILE:-65536}" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "descriptor limit: $(ulimit -n); load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores" >&2
exec "$INFERGATE_JAVA_HOME/bin/java" -jar "${INFERGATE_BENCH_JAR:-app/target/infergate-bench.jar}" bench chaos \
  --scenario "$scenarios" --gateway-jar "${INFERGATE_JAR:-app/target/infergate.jar}" --json "${CHAOS_JSON:-chaos.json}" "$@"
