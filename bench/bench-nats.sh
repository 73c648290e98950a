#!/bin/sh
# Wall time, CPU time and max RSS of check_edge_nats checking four local
# nats-server endpoints at once (two client listeners, two leafnode
# listeners on 7422), beside Monitoring Plugins' check_tcp -e INFO checking
# the same four one process after another.  check_edge_nats does more
# (INFO parsed, CONNECT, a timed PING/PONG); check_tcp only reads the
# banner.  Prints medians over ROUNDS runs and the ratios.
# Usage (root, from a built tree): bench/bench-nats.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-20}
check_edge_nats=$(cd "$builddir" && pwd)/check_edge_nats
check_tcp=/usr/lib/nagios/plugins/check_tcp
[ -x "$check_edge_nats" ] || { echo "no $check_edge_nats: build first" >&2; exit 2; }
[ -x "$check_tcp" ] || { echo "no $check_tcp: apt-get install monitoring-plugins-basic" >&2; exit 2; }
command -v nats-server >/dev/null || { echo "no nats-server: apt-get install nats-server" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"

for a in 127.0.0.71 127.0.0.72; do
  ip netns exec "$NS" nats-server -a "$a" -p 7422 -P "$tmp/$a.pid" </dev/null >/dev/null 2>&1 &
done
for a in 127.0.0.73 127.0.0.74; do
  printf 'listen: "%s:4222"\nleafnodes { listen: "%s:7422" }\n' "$a" "$a" >"$tmp/$a.conf"
  ip netns exec "$NS" nats-server -c "$tmp/$a.conf" -P "$tmp/$a.pid" </dev/null >/dev/null 2>&1 &
done
targets="127.0.0.71 127.0.0.72 127.0.0.73 127.0.0.74"
for a in $targets; do
  i=0
  until ip netns exec "$NS" ss -Hlnt "src $a:7422" | grep -q .; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "nats-server on $a did not start" >&2; exit 1; }
    sleep 0.05
  done
done
hosts=""
for a in $targets; do hosts="$hosts -H $a"; done
# shellcheck disable=SC2086
ip netns exec "$NS" "$check_edge_nats" $hosts >"$tmp/out" ||
  { echo "check_edge_nats is not OK against the local servers:" >&2; cat "$tmp/out" >&2; exit 1; }

: >"$tmp/edge"
: >"$tmp/mp"
r=0
while [ $r -lt "$rounds" ]; do
  # shellcheck disable=SC2086
  measure "$tmp/edge" "$check_edge_nats" $hosts
  : >"$tmp/mp-round"
  for a in $targets; do
    measure "$tmp/mp-round" "$check_tcp" -H "$a" -p 7422 -e INFO
  done
  awk '$4 != 0 { bad++ } END { if (bad) print bad " check_tcp runs not OK" > "/dev/stderr" }' \
    "$tmp/mp-round"
  sum_round "$tmp/mp-round" >>"$tmp/mp"
  r=$((r + 1))
done
report "NATS: 4 local endpoints (2 client, 2 leafnode listeners), median of $rounds rounds" \
  "check_edge_nats (one process)" "$tmp/edge" "check_tcp -e INFO x 4 (sequential)" "$tmp/mp"
