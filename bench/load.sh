#!/usr/bin/env bash
# The load generator: plays an Asterisk PBX over TCP against a running Dozvon (docs/BENCHMARKS.md, docs/DEMO.md).
#   bench/load.sh --port 5038 --rate 100 --missed 0.3 --duration 60 [--api http://127.0.0.1:8080 --token TOKEN]
# It listens as an AMI server; start Dozvon with DOZVON_AMI_HOST/PORT/USER/SECRET pointed at it (user dozvon,
# secret load-secret unless --user/--secret say otherwise). --help lists every option.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/dozvon.jar
[ -f "$jar" ] || mvn -B -q package -DskipTests
exec java ${LOAD_JAVA_OPTS:--Xmx1g} -cp "$jar" ru.dozvon.simpbx.LoadGenerator "$@"
