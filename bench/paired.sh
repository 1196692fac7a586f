#!/usr/bin/env bash
# Paired runs on a noisy machine: the same benchmark on an older commit and on this tree, alternated in one session,
# so that the two are compared under the same load (read the ratios, not the absolute figures).
#   bench/paired.sh [base=671f291] [rounds=2] [BenchmarkClass=WholePathBenchmark] [benchmark args...]
# The base is unpacked (git archive) into $BENCH_BASE_DIR (default /tmp/dozvon-bench-base-<base>) and given this tree's
# copy of the benchmark class, so both sides measure the same way. Logs: target/paired/<round>-<side>.log; a summary of
# the RESULT lines at the end (each figure: base, now, now/base).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-671f291}
rounds=${2:-2}
name=${3:-WholePathBenchmark}
shift $(( $# < 3 ? $# : 3 ))
basedir=${BENCH_BASE_DIR:-/tmp/dozvon-bench-base-$base}
if [ ! -f "$basedir/pom.xml" ]; then
  mkdir -p "$basedir"
  git archive "$base" | tar -x -C "$basedir"
fi
cp "src/test/java/ru/dozvon/bench/$name.java" "$basedir/src/test/java/ru/dozvon/bench/"
classpath() { # builds the tree in $1 and prints its class path
  (cd "$1" && mvn -B -o -q test-compile >&2 \
    && mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >/dev/null \
    && echo "$PWD/target/classes:$PWD/target/test-classes:$(cat target/bench.classpath)")
}
cp_base=$(classpath "$basedir")
cp_now=$(classpath .)
out=target/paired
mkdir -p "$out"
echo "paired: $name $* ; base $base ($basedir), now $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes'); $rounds rounds; $(date -u +%FT%TZ)"
for r in $(seq 1 "$rounds"); do
  for side in base now; do
    if [ "$side" = base ]; then cp=$cp_base; dir=$basedir; else cp=$cp_now; dir=$PWD; fi
    echo "round $r, $side: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && java ${BENCH_JAVA_OPTS:--Xmx4g} -cp "$cp" "ru.dozvon.bench.$name" "$@") > "$out/$r-$side.log" 2>&1 || echo "  (exit $?)"
    grep '^RESULT' "$out/$r-$side.log" | sed "s/^RESULT /  /" || true
  done
done
echo "summary (median over rounds; now/base):"
for side in base now; do
  for r in $(seq 1 "$rounds"); do grep '^RESULT' "$out/$r-$side.log" | sed "s/^RESULT /$side /"; done
done | awk '
  { side=$1; key=$2; for (i=3; i<=NF; i++) { split($i, kv, "="); if (kv[1]=="rate") key=key" rate "kv[2]; }
    for (i=3; i<=NF; i++) { split($i, kv, "="); if (kv[1]!="rate" && kv[1]!="n" && kv[1]!="of") { k=key" "kv[1]; v[side,k]=v[side,k]" "kv[2]; keys[k]=1 } } }
  function median(s,   a, n, i, j, t) { n=split(s, a, " "); for (i=1;i<=n;i++) for (j=i+1;j<=n;j++) if (a[j]+0<a[i]+0) { t=a[i]; a[i]=a[j]; a[j]=t }
    return n==0 ? "" : (n%2 ? a[(n+1)/2] : (a[n/2]+a[n/2+1])/2) }
  END { for (k in keys) { b=median(v["base",k]); n=median(v["now",k]);
    printf "  %-36s base %10s  now %10s  now/base %s\n", k, b, n, (b+0>0 ? sprintf("%.2f", n/b) : "-") } }' | sort
