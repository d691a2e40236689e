# Sourced by ./infergate and .ci/run: sets INFERGATE_JAVA_HOME to a JDK >= 21 or explains what is missing.
# Looks at JAVA_HOME, the java on PATH, then the usual JVM folders (Debian/Ubuntu, RHEL, macOS, SDKMAN).

infergate_java_major() { # prints the feature version of the JDK at $1, or nothing
  local home=$1 line
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  if [ -f "$home/release" ]; then
    line=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [ -z "$line" ]; then
    line=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  line=${line#1.} # 1.8 style
  printf '%s\n' "${line%%[.+-]*}"
}

infergate_find_jdk() {
  local min=21 candidates=() c major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    candidates+=("$c")
  fi
  for c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$c" ] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    major=$(infergate_java_major "$c")
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    # JAVA_HOME wins when it is new enough; otherwise take the newest JDK found
    if [ "$major" -ge "$min" ] && [ "$c" = "${JAVA_HOME:-}" ]; then best=$c; break; fi
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then best=$c; best_major=$major; fi
  done
  if [ -z "$best" ]; then
    echo "infergate: no JDK >= $min found (looked at JAVA_HOME, PATH and /usr/lib/jvm, /usr/java, /opt, SDKMAN, macOS)." >&2
    echo "infergate: install one (e.g. Temurin 21 or 25) and set JAVA_HOME to it." >&2
    return 1
  fi
  INFERGATE_JAVA_HOME=$best
}
