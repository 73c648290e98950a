#!/bin/sh
# Wall time, CPU time and max RSS of check_edge_ntp asking four local
# chronyd servers at once (two of them skewed with libfaketime, +3 s and
# -2 s), beside Monitoring Plugins' check_ntp_time asking the same four one
# process after another; and each tool's offset error against the known
# skews.  Prints medians over ROUNDS runs and the ratios.
# Usage (root, from a built tree): bench/bench-ntp.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-10}
check_edge_ntp=$(cd "$builddir" && pwd)/check_edge_ntp
check_ntp_time=/usr/lib/nagios/plugins/check_ntp_time
[ -x "$check_edge_ntp" ] || { echo "no $check_edge_ntp: build first" >&2; exit 2; }
[ -x "$check_ntp_time" ] || { echo "no $check_ntp_time: apt-get install monitoring-plugins-basic" >&2; exit 2; }
command -v chronyd >/dev/null || { echo "no chronyd: apt-get install chrony" >&2; exit 2; }
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
[ -n "$faketime_lib" ] || { echo "no libfaketime: apt-get install libfaketime" >&2; exit 2; }

. "$(dirname "$0")/lib.sh"

# addr skew: the skew in seconds ("0", "+3", "-2").
servers="127.0.0.31:0 127.0.0.32:0 127.0.0.33:+3 127.0.0.34:-2"
for s in $servers; do
  addr=${s%%:*}
  skew=${s#*:}
  cat >"$tmp/chrony-$addr.conf" <<CONF
bindaddress $addr
port 123
cmdport 0
bindcmdaddress /
local stratum 3
allow 127.0.0.0/8
pidfile $tmp/chronyd-$addr.pid
CONF
  if [ "$skew" = 0 ]; then
    ip netns exec "$NS" chronyd -x -d -u root -f "$tmp/chrony-$addr.conf" </dev/null >/dev/null 2>&1 &
  else
    ip netns exec "$NS" env LD_PRELOAD="$faketime_lib" FAKETIME="${skew}s" \
      FAKETIME_DONT_FAKE_MONOTONIC=1 chronyd -x -d -u root \
      -f "$tmp/chrony-$addr.conf" </dev/null >/dev/null 2>&1 &
  fi
done
hosts=""
for s in $servers; do hosts="$hosts -H ${s%%:*}"; done
# chronyd serves leap 3 until it has selected its local reference.
i=0
# shellcheck disable=SC2086
until ip netns exec "$NS" "$check_edge_ntp" $hosts -w 5 -c 10 -t 2 >/dev/null; do
  i=$((i + 1)); [ $i -lt 40 ] || { echo "chronyd servers did not become ready" >&2; exit 1; }
  sleep 0.25
done

: >"$tmp/edge"
: >"$tmp/mp"
: >"$tmp/errors"
r=0
while [ $r -lt "$rounds" ]; do
  # shellcheck disable=SC2086
  ip netns exec "$NS" "$measure_bin" "$tmp/edge" "$check_edge_ntp" $hosts -w 5 -c 10 >/dev/null
  : >"$tmp/mp-round"
  for s in $servers; do
    ip netns exec "$NS" "$measure_bin" "$tmp/mp-round" "$check_ntp_time" -H "${s%%:*}" -w 5 -c 10 >/dev/null
  done
  sum_round "$tmp/mp-round" >>"$tmp/mp"
  r=$((r + 1))
done

# Offset errors against the known skews, from one more run of each.
ip netns exec "$NS" "$check_edge_ntp" $hosts -w 5 -c 10 >"$tmp/edge-out"
for s in $servers; do
  addr=${s%%:*}
  skew=${s#*:}
  e=$(sed -n "s/.*'$addr"'_offset'"'=\(-\{0,1\}[0-9.]*\)s.*/\1/p" "$tmp/edge-out" | head -n 1)
  m=$(ip netns exec "$NS" "$check_ntp_time" -H "$addr" -w 5 -c 10 | sed -n 's/.*offset=\(-\{0,1\}[0-9.e+-]*\)s.*/\1/p')
  echo "$addr $skew $e $m" >>"$tmp/errors"
done

report "NTP: 4 local chronyd servers (skews 0, 0, +3 s, -2 s), median of $rounds rounds" \
  "check_edge_ntp (one process)" "$tmp/edge" "check_ntp_time x 4 (sequential)" "$tmp/mp"
echo "offset error against the known skew (s):"
printf '  %-12s %6s %16s %16s\n' server skew check_edge_ntp check_ntp_time
awk '{ printf "  %-12s %6s %16.6f %16.6f\n", $1, $2, $3 - $2, $4 - $2 }' "$tmp/errors"
