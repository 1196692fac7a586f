#!/usr/bin/env bash
# The service's memory while it sustains a load: runs target/dozvon.jar as a user would (embedded PostgreSQL in a data
# folder of its own), points it at the load generator playing the PBX, and samples the service JVM's VmRSS (and the
# embedded PostgreSQL's processes apart) every 0.5 s while the calls flow (docs/BENCHMARKS.md, "Memory").
#   bench/service-rss.sh [rate=500] [seconds=60] [missed=1.0]
# The load generator counts, through the API, the deals the service made for the missed calls (within 60 s after).
# SERVICE_JAVA_OPTS: the service JVM's options (default none: the JVM's own defaults on this machine), e.g.
#   SERVICE_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" bench/service-rss.sh 500 60
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-500}
seconds=${2:-60}
missed=${3:-1.0}
jar=target/dozvon.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests
work=$(mktemp -d /tmp/dozvon-rss.XXXXXX)
ami_port=$(( 20000 + RANDOM % 20000 ))
http_port=$(( ami_port + 1 ))
cleanup() {
  [ -n "${svc:-}" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null || true
  [ -n "${gen:-}" ] && kill "$gen" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

token=rss-bench-token-$RANDOM$RANDOM
java -Xmx1g -cp "$jar" ru.dozvon.simpbx.LoadGenerator --port "$ami_port" --rate "$rate" --missed "$missed" \
  --duration "$seconds" --wait-connect 120 --settle 60 --api "http://127.0.0.1:$http_port" --token "$token" \
  > "$work/load.log" 2>&1 &
gen=$!
# shellcheck disable=SC2086
DOZVON_DATA_DIR="$work/data" DOZVON_HTTP_PORT=$http_port DOZVON_ADMIN_TOKEN=$token DOZVON_AMI_HOST=127.0.0.1 DOZVON_AMI_PORT=$ami_port \
  DOZVON_AMI_USER=dozvon DOZVON_AMI_SECRET=load-secret DOZVON_LOG_LEVEL=WARN \
  java ${SERVICE_JAVA_OPTS:-} -jar "$jar" > "$work/service.log" 2>&1 &
svc=$!

rss() { awk '/^VmRSS/ {print int($2/1024)}' "/proc/$1/status" 2>/dev/null || echo 0; }
pg_rss() { # the embedded PostgreSQL: its postmaster (started on the data folder) and the postmaster's children
  local total=0 p pm
  pm=$(pgrep -f "postgres -D $work/data" 2>/dev/null | head -1 || true)
  [ -n "$pm" ] || { echo 0; return; }
  for p in "$pm" $(pgrep -P "$pm" 2>/dev/null || true); do total=$(( total + $(rss "$p") )); done
  echo "$total"
}

until grep -q "playing" "$work/load.log" 2>/dev/null; do
  kill -0 "$gen" 2>/dev/null || { echo "load generator ended before playing:"; cat "$work/load.log"; exit 1; }
  kill -0 "$svc" 2>/dev/null || { echo "service ended:"; tail -30 "$work/service.log"; exit 1; }
  sleep 0.5
done
echo "service-rss: rate $rate/s, missed $missed, ${seconds}s, SERVICE_JAVA_OPTS='${SERVICE_JAVA_OPTS:-}'," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
samples=()
pg_max=0
until grep -q "^load: sent " "$work/load.log"; do
  kill -0 "$gen" 2>/dev/null || break
  samples+=("$(rss "$svc")")
  p=$(pg_rss); [ "$p" -gt "$pg_max" ] && pg_max=$p
  sleep 0.5
done
wait "$gen" || true
sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
n=$(printf '%s\n' "${samples[@]}" | wc -l)
median=$(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p")
max=$(echo "$sorted" | tail -1)
grep "^load: sent \|^load: deals" "$work/load.log" || tail -5 "$work/load.log"
echo "OutOfMemoryError lines in the service log: $(grep -c OutOfMemoryError "$work/service.log" || true)"

echo "RESULT service RSS while loaded: median ${median} MB, max ${max} MB over $n samples; embedded PostgreSQL" \
  "processes together max ${pg_max} MB (shared pages counted in each)"
