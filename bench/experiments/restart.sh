#!/usr/bin/env bash
# restart.sh "JAVA OPTS": restart the debug stack with these gateway options
cd "$(dirname "$0")/../.."; export STREAMREC_HOME=${STREAMREC_HOME:-$PWD/.streamrec/experiments/stack} STREAMREC_KAFKA_PORT=29092 STREAMREC_HTTP_PORT=28080
./streamrec down >/dev/null 2>&1
STREAMREC_GATEWAY_JAVA_OPTS="$1" ./streamrec up --detach 2>&1 | tail -1
sleep 15
