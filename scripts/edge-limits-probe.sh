#!/usr/bin/env bash
# Resource attacks on the edge limits of `serve` (docs/reliability.md, "Limits"), loopback only, bounded in time:
# starts the embedded default on an ephemeral port of 127.0.0.1, then
#   1. 40 HTTP/1.1 connections declaring a 16,000,000-byte body and sending 100 bytes: the gateway's RSS;
#   2. one h2c connection opening 150 streams (HEADERS, no body): how many RST_STREAM(REFUSED_STREAM) come back;
#   3. 500 connections trickling one header byte per second for 15 s (slowloris): how many are still open after
#      the 10 s request-header timeout, and the gateway's descriptors.
# Prints one line per step; the figures in docs/reliability.md come from it. Needs python3.
# Usage: scripts/edge-limits-probe.sh   Environment: INFERGATE_JAR (default app/target/infergate.jar),
# EDGE_PROBE_HEAP (default 1g).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar=${INFERGATE_JAR:-$root/app/target/infergate.jar}
# shellcheck source=scripts/find-jdk.sh
. "$root/scripts/find-jdk.sh"
infergate_find_jdk
java=$INFERGATE_JAVA_HOME/bin/java
log=$(mktemp)
"$java" "-Xmx${EDGE_PROBE_HEAP:-1g}" -jar "$jar" serve --port 0 --admin-port -1 --host 127.0.0.1 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
# an ephemeral port, read from our own gateway's log: never another process's port
port=
for _ in $(seq 1 120); do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  port=$(sed -n 's/.*listener .*(HTTP) listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && curl -fs -o /dev/null "http://127.0.0.1:$port/v1/models" && break
  sleep 1
done
python3 - "$port" "$pid" <<'PY'
import os, socket, struct, sys, time

PORT = int(sys.argv[1]); PID = int(sys.argv[2])

def rss():
    with open(f"/proc/{PID}/status") as f:
        for l in f:
            if l.startswith("VmRSS"):
                return int(l.split()[1]) // 1024
def fds():
    return len(os.listdir(f"/proc/{PID}/fd"))

print("idle RSS MB", rss(), "fds", fds())
# 1. 40 HTTP/1.1 connections declaring 16,000,000 bytes, sending 100
socks = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", PORT))
    s.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: 16000000\r\n\r\n" + b"x" * 100)
    socks.append(s)
time.sleep(3)
print("after 40 declared-16MB HTTP/1.1 bodies: RSS MB", rss(), "fds", fds())
for s in socks: s.close()

# 2. one h2c connection, 150 HEADERS without END_STREAM
def frame(t, fl, sid, p): return struct.pack(">I", len(p))[1:] + bytes([t, fl]) + struct.pack(">I", sid) + p
def lit(n, v):
    n = n.encode(); v = v.encode(); return b"\x00" + bytes([len(n)]) + n + bytes([len(v)]) + v
s = socket.create_connection(("127.0.0.1", PORT))
s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b""))
block = lit(":method","POST")+lit(":scheme","http")+lit(":path","/v1/completions")+lit(":authority","gw")+lit("content-length","16000000")
s.sendall(b"".join(frame(1, 4, 1 + 2*i, block) for i in range(150)))
s.settimeout(3)
buf = b""; rst = 0
try:
    while True:
        d = s.recv(65536)
        if not d: break
        buf += d
except socket.timeout:
    pass
i = 0
while i + 9 <= len(buf):
    n = int.from_bytes(buf[i:i+3], "big"); t = buf[i+3]
    if t == 3: rst += 1
    i += 9 + n
print("h2c 150 HEADERS: RST_STREAM frames", rst, "RSS MB", rss())
s.close()

# 3. slowloris: 500 connections trickling header bytes
lor = []
for i in range(500):
    c = socket.create_connection(("127.0.0.1", PORT)); c.setblocking(False); lor.append(c)
t0 = time.time(); closed = 0
while time.time() - t0 < 15:
    alive = 0
    for c in lor:
        try:
            c.send(b"X")
            alive += 1
        except OSError:
            pass
    time.sleep(1)
open_after = 0
for c in lor:
    try:
        c.send(b"X"); d = c.recv(4096)
        if d == b"": raise OSError
        open_after += 1 if not d.startswith(b"HTTP/1.1 408") else 0
    except BlockingIOError:
        open_after += 1
    except OSError:
        pass
print("slowloris 500 conns after 15 s (header timeout 10 s): still open", open_after, "fds", fds())
for c in lor: c.close()
PY
echo "gateway warnings:"
grep WARN "$log" | sed -e 's/^.* - //' | sort | uniq -c
