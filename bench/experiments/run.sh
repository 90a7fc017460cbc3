#!/usr/bin/env bash
# run.sh NAME RATE: bg load RATE for 130 s; after 40 s, 300 probes; GC counts from jstat
set -u
NAME=$1; RATE=${2:-3000}
. ${STREAMREC_HOME:-/tmp/sr-dbg}/credentials; export SRKEY=$STREAMREC_ADMIN_KEY SRPORT=28080
PID=$(cat ${STREAMREC_HOME:-/tmp/sr-dbg}/pids/gateway-0.pid)
JSTAT=/usr/lib/jvm/java-17-openjdk-amd64/bin/jstat; [ -x $JSTAT ] || JSTAT=$(dirname $(readlink -f $(which java)))/jstat
python3 "$(dirname "$0")/bg.py" $RATE 100 130 > ${EXP:-/tmp/exp}/$NAME.bg 2>&1 &
BG=$!
sleep 40
g0=$($JSTAT -gc $PID | tail -1); c0=$(awk '{print $14+$15}' /proc/$PID/stat)
python3 "$(dirname "$0")/probe.py" 300 > ${EXP:-/tmp/exp}/$NAME.probe 2>&1
g1=$($JSTAT -gc $PID | tail -1); c1=$(awk '{print $14+$15}' /proc/$PID/stat)
wait $BG
echo "$NAME rate $RATE: $(cat ${EXP:-/tmp/exp}/$NAME.probe) | $(cat ${EXP:-/tmp/exp}/$NAME.bg)"
echo "  gc before: $g0"; echo "  gc after:  $g1"; echo "  gateway cpu ticks during probes: $((c1-c0))"
