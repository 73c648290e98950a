#!/bin/sh
# Wall time, CPU time and max RSS of check_edge_ntp asking four local
# chronyd servers at once (two of them skewed with libfaketime, +3 s and
# -2 s), beside Monitoring Plugins' check_ntp_time asking the same four one
# process after another.  Prints medians over ROUNDS runs and the ratios.
#
# Then each tool's offset error against known skews, per server, for 4 and
# for 16 servers asked at once: servers of ours (ep-ntp-responder) whose
# clocks are skewed exactly and which stamp a request's arrival in the
# kernel, as chronyd does for its own clock.  A libfaketime'd chronyd
# cannot: its kernel stamps are 3 s off its faked clock, so it drops them
# and reads its clock after it wakes up, late by its wake-up; that makes
# a client whose receive time is the kernel's look biased by half of it,
# and cancels the opposite bias of a client that reads its clock after its
# own wake-up (check_ntp_time).
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

# offset_errors N: N servers of ours at once, skews cycling through the
# list; ROUNDS runs of check_edge_ntp asking all of them, and of
# check_ntp_time asking each; the median error of each tool per server.
offset_errors() {
  n=$1
  skews="0 3 -2 0.5 -0.25 1 -1 10"
  hosts=""
  : >"$tmp/err-$n"
  i=1
  while [ $i -le "$n" ]; do
    addr=127.0.$n.$i
    skew=$(echo $skews | awk -v k=$(( (i - 1) % 8 + 1 )) '{ print $k }')
    ip netns exec "$NS" ip addr add "$addr/32" dev lo
    ip netns exec "$NS" "$responder" -l "$addr" -p 123 -m good -o "$skew" </dev/null >/dev/null 2>&1 &
    hosts="$hosts -H $addr"
    echo "$addr $skew" >>"$tmp/servers-$n"
    i=$((i + 1))
  done
  sleep 0.3
  r=0
  while [ $r -lt "$rounds" ]; do
    # shellcheck disable=SC2086
    ip netns exec "$NS" "$check_edge_ntp" $hosts -w 20 -c 30 >"$tmp/edge-out"
    while read -r addr skew; do
      e=$(sed -n "s/.*'$addr"'_offset'"'=\(-\{0,1\}[0-9.]*\)s.*/\1/p" "$tmp/edge-out" | head -n 1)
      m=$(ip netns exec "$NS" "$check_ntp_time" -H "$addr" -w 20 -c 30 | sed -n 's/.*offset=\(-\{0,1\}[0-9.e+-]*\)s.*/\1/p')
      echo "$addr $skew $e $m" >>"$tmp/err-$n"
    done <"$tmp/servers-$n"
    r=$((r + 1))
    sleep 2.1 # a server is asked at most every 2 s
  done
  echo "offset error against the known skew, $n servers at once (median of $rounds runs, us):"
  printf '  %-12s %6s %16s %16s\n' server skew check_edge_ntp check_ntp_time
  while read -r addr skew; do
    e=$(awk -v a="$addr" '$1 == a { print ($3 - $2) * 1e6 }' "$tmp/err-$n" | median)
    m=$(awk -v a="$addr" '$1 == a { print ($4 - $2) * 1e6 }' "$tmp/err-$n" | median)
    printf '  %-12s %6s %16.1f %16.1f\n' "$addr" "$skew" "$e" "$m"
  done <"$tmp/servers-$n"
  awk '{ e = ($3 - $2) * 1e6; m = ($4 - $2) * 1e6; if (e < 0) e = -e; if (m < 0) m = -m
         if (e > me) me = e; if (m > mm) mm = m; se += e; sm += m }
       END { printf "  mean |error| %.1f us against %.1f us; largest %.1f us against %.1f us\n", se / NR, sm / NR, me, mm }' "$tmp/err-$n"
}
responder=$(cd "$builddir" && pwd)/tests/servers/ep-ntp-responder
[ -x "$responder" ] || make -C "$builddir" tests/servers/ep-ntp-responder >/dev/null ||
  { echo "cannot build tests/servers/ep-ntp-responder" >&2; exit 2; }
offset_errors 4
offset_errors 16
