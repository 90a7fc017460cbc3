#!/usr/bin/env bash
# run.sh NAME RATE: bg load RATE for 130 s; after 40 s, 300 probes; GC counts from jstat
set -u
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STREAMREC_HOME="${STREAMREC_HOME:-$ROOT/.streamrec/experiments/stack}"
EXP="${EXP:-$ROOT/.streamrec/experiments}"
NAME=$1; RATE=${2:-3000}
. $STREAMREC_HOME/credentials; export SRKEY=$STREAMREC_ADMIN_KEY SRPORT=28080
PID=$(cat $STREAMREC_HOME/pids/gateway-0.pid)
JSTAT="$(dirname "$(readlink -f "$(command -v java)")")/jstat"
python3 "$(dirname "$0")/bg.py" $RATE 100 130 > $EXP/$NAME.bg 2>&1 &
BG=$!
sleep 40
g0=$($JSTAT -gc $PID | tail -1); c0=$(awk '{print $14+$15}' /proc/$PID/stat)
python3 "$(dirname "$0")/probe.py" 300 > $EXP/$NAME.probe 2>&1
g1=$($JSTAT -gc $PID | tail -1); c1=$(awk '{print $14+$15}' /proc/$PID/stat)
wait $BG
echo "$NAME rate $RATE: $(cat $EXP/$NAME.probe) | $(cat $EXP/$NAME.bg)"
echo "  gc before: $g0"; echo "  gc after:  $g1"; echo "  gateway cpu ticks during probes: $((c1-c0))"
