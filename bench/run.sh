#!/usr/bin/env bash
# Runs one benchmark: bench/run.sh AmiThroughputBenchmark [args...]
# Benchmarks live in src/test/java/ru/dozvon/bench/ as classes with a main(); they print figures.
# They are never run as tests (surefire excludes *Benchmark*). Figures go to docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: bench/run.sh BenchmarkClass [args...]}
shift
mvn -B -q test-compile
cp_file=target/bench.classpath
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
# A name with a dot is a class of its own package (a drill: bench/run.sh ru.dozvon.drills.AmiCutDrill 100).
case "$name" in *.*) main=$name ;; *) main=ru.dozvon.bench.$name ;; esac
exec java ${BENCH_JAVA_OPTS:--Xmx4g} -cp "target/classes:target/test-classes:$(cat "$cp_file")" "$main" "$@"
