#!/usr/bin/env bash
# Broker outage by hand on a running ./streamrec stack (README, "Broker outage"): SIGKILLs the broker, keeps it away
# AWAY seconds (default 120) while it probes ingest, liveness, a user's features and /instances every 10 s, starts the
# broker again with its own command line (same port, same log directory), then times an event sent after the restart
# until it shows in its user's features. Uses the stack's STREAMREC_HOME (default .streamrec) and STREAMREC_HTTP_PORT
# (8080, the first gateway). Gives up after STREAMREC_OUTAGE_WAIT seconds (300) at each wait.
#   ./streamrec up --detach && bench/broker-outage.sh 120
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${STREAMREC_HOME:-$ROOT/.streamrec}"
PORT="${STREAMREC_HTTP_PORT:-8080}"
AWAY="${1:-120}"
WAIT="${STREAMREC_OUTAGE_WAIT:-300}"
[[ "$AWAY" =~ ^[0-9]+$ && "$WAIT" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS_AWAY]" >&2; exit 2; }
# shellcheck disable=SC1091
. "$HOME_DIR/credentials"
kpid="$(cat "$HOME_DIR/pids/kafka.pid")"
[[ -r "/proc/$kpid/cmdline" ]] || { echo "no broker runs (pid file $HOME_DIR/pids/kafka.pid)" >&2; exit 1; }
mapfile -d '' cmd <"/proc/$kpid/cmdline"
auth=(-H "Authorization: Bearer $STREAMREC_ADMIN_KEY")

post() { # post EVENT_ID USER: the status of POST /events (with the Retry-After header when there is one)
  curl -s -D - -o /dev/null -m 30 "${auth[@]}" -H 'Content-Type: application/json' -XPOST "localhost:$PORT/events" \
    -d "{\"eventId\":\"$1\",\"userId\":\"$2\",\"itemId\":\"outage-item\",\"eventType\":\"view\"}" \
    | awk 'NR==1{s=$2} tolower($1)=="retry-after:"{r=" (Retry-After "$2+0")"} END{print s r}'
}
status() { curl -s -o /dev/null -m 10 -w '%{http_code}' "${auth[@]}" "localhost:$PORT$1"; }
views() { curl -s -m 10 "${auth[@]}" "localhost:$PORT/users/$1/features" | sed -n 's/.*"view":\([0-9]*\).*/\1/p'; }
now() { date +%s.%N; }
until_true() { # until_true WHAT COMMAND...: polls every 0.2 s, gives up after WAIT seconds
  local what="$1" end=$(( $(date +%s) + WAIT )); shift
  until "$@"; do
    (( $(date +%s) < end )) || { echo "gave up after ${WAIT} s waiting for $what" >&2; exit 1; }
    sleep 0.2
  done
}

echo "before: POST /events $(post "pre-$RANDOM$RANDOM" outage-probe)"
kill -9 "$kpid"
echo "$(date +%T) broker (pid $kpid) killed; away for ${AWAY} s"
end=$(( $(date +%s) + AWAY ))
while (( $(date +%s) < end )); do
  echo "$(date +%T) ingest $(post "out-$RANDOM$RANDOM" outage-probe), live $(status /q/health/live)," \
    "features $(status /users/outage-probe/features), instances $(status /instances)"
  sleep 10
done
nohup "${cmd[@]}" >>"$HOME_DIR/logs/kafka-broker.out" 2>&1 </dev/null &
echo $! >"$HOME_DIR/pids/kafka.pid"
t0="$(now)"
echo "$(date +%T) broker started again (pid $!)"
user="after-outage-$RANDOM$RANDOM"
accepted() { [[ "$(post "ev-$user" "$user")" == 202* ]]; }
seen() { [[ "$(views "$user")" == 1 ]]; }
until_true "a 202" accepted
t1="$(now)"
until_true "the event in $user's features" seen
t2="$(now)"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN{printf "recovery, from the broker start command: first 202 after %.1f s, the event in its user'"'"'s features after %.1f s\n", b-a, c-a}'
grep -h 'Kafka Server started' "$HOME_DIR/logs/kafka-broker.log" 2>/dev/null | tail -n 1 | sed 's/^/broker log: /' || true
