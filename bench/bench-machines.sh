#!/bin/sh
# A plant of 50 machines, measured: check_edge_machines checking 50 OPC UA
# controllers (10.21.0.1-50 on the namespace's loopback, one
# ep-machine-peer answering them all) in one process, beside Monitoring
# Plugins' check_tcp -p 4840 once per machine, one after another as a
# Nagios core runs them, and all at once.  check_edge_machines does more
# (an OPC UA Hello, the Acknowledge judged); check_tcp only connects.
# Prints medians over ROUNDS runs (wall, CPU user+sys, peak memory,
# processes started) and the ratios edgeprobe / Monitoring Plugins.
# Usage (root, from a built tree): bench/bench-machines.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-5}
bindir=$(cd "$builddir" && pwd)
check_edge_machines=$bindir/check_edge_machines
peer=$bindir/tests/servers/ep-machine-peer
check_tcp=/usr/lib/nagios/plugins/check_tcp
machines=50
[ -x "$check_edge_machines" ] || { echo "no $check_edge_machines: build first" >&2; exit 2; }
[ -x "$peer" ] || make -C "$builddir" tests/servers/ep-machine-peer >/dev/null ||
  { echo "cannot build $peer" >&2; exit 2; }
[ -x "$check_tcp" ] || { echo "no $check_tcp: apt-get install monitoring-plugins-basic" >&2; exit 2; }
command -v strace >/dev/null || { echo "no strace" >&2; exit 2; }
[ "$rounds" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a number, 1 or more" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"
# Interrupted: leave through the EXIT trap, which removes the namespace
# and every process in it.
trap 'exit 130' INT TERM

# --- the plant on the namespace's loopback: nothing leaves the namespace,
# which has no interface but lo.
addrs=""
i=1
while [ $i -le $machines ]; do
  in_ns ip addr add "10.21.0.$i/32" dev lo || exit 2
  addrs="$addrs 10.21.0.$i"
  i=$((i + 1))
done
in_ns "$peer" -l 0.0.0.0 -p 4840 -m opcua -P "$tmp/peer.pid" </dev/null >/dev/null 2>&1 &
i=0
until in_ns ss -Hlnt "sport = :4840" | grep -q .; do
  i=$((i + 1)); [ $i -lt 200 ] || { echo "ep-machine-peer did not start" >&2; exit 1; }
  sleep 0.05
done

hosts=""
i=1
for a in $addrs; do hosts="$hosts -H m$i=$a:siemens-opcua"; i=$((i + 1)); done
edge="$check_edge_machines$hosts"

# The Monitoring Plugins' checks, one command per machine, as services of
# a Nagios core.
for a in $addrs; do echo "$check_tcp -H $a -p 4840 -t 5"; done >"$tmp/mp.list"
{ echo '#!/bin/sh'; cat "$tmp/mp.list"; } >"$tmp/mp-seq"
{ echo '#!/bin/sh'; sed 's/$/ \&/' "$tmp/mp.list"; echo wait; } >"$tmp/mp-par"
chmod +x "$tmp/mp-seq" "$tmp/mp-par"

# Everything OK first, or the figures measure failures.
# shellcheck disable=SC2086
in_ns $edge >"$tmp/out" 2>&1 ||
  { echo "check_edge_machines is not OK here:" >&2; cat "$tmp/out" >&2; exit 1; }
while read -r line; do
  # shellcheck disable=SC2086
  in_ns $line >"$tmp/out" 2>&1 || { echo "not OK: $line" >&2; cat "$tmp/out" >&2; exit 1; }
done <"$tmp/mp.list"

# procs CMD...: processes a command starts (itself included), counted once
# by strace (which is not in the timed runs).
procs() {
  in_ns strace -f -qq -e trace=execve -o "$tmp/strace" "$@" >/dev/null 2>&1
  grep -c 'execve(' "$tmp/strace"
}

# run_rounds NAME CMD...: ROUNDS timed runs into $tmp/NAME.times.
run_rounds() {
  name=$1
  f="$tmp/$1.times"
  shift
  : >"$f"
  r=0
  while [ $r -lt "$rounds" ]; do
    measure "$f" "$@"
    r=$((r + 1))
  done
  awk -v n="$name" '$4 != 0 { bad++ } END { if (bad) print bad " runs of " n " not OK" > "/dev/stderr" }' "$f"
}

# report4 TITLE EDGE-FILE EDGE-PROCS MP-FILE MP-PROCS MP-NAME
report4() {
  aw=$(col "$2" 1); ac=$(col "$2" 2); am=$(col "$2" 3)
  bw=$(col "$4" 1); bc=$(col "$4" 2); bm=$(col "$4" 3)
  printf '%-44s %9s %9s %12s %6s\n' "" "wall s" "cpu s" "peak KiB" "procs"
  printf '%-44s %9.4f %9.4f %12d %6d\n' "check_edge_machines (one process)" "$aw" "$ac" "$am" "$3"
  printf '%-44s %9.4f %9.4f %12d %6d\n' "$6" "$bw" "$bc" "$bm" "$5"
  awk -v aw="$aw" -v bw="$bw" -v ac="$ac" -v bc="$bc" -v am="$am" -v bm="$bm" \
    -v ap="$3" -v bp="$5" 'BEGIN {
    printf "ratio edgeprobe/Monitoring Plugins (%s): wall %.3f  cpu %.3f  peak memory %.2f  processes %.3f\n",
      "'"$1"'", aw / bw, ac / bc, am / bm, ap / bp }'
}

echo "== $machines OPC UA machines on one local peer (median of $rounds rounds)"
# shellcheck disable=SC2086
run_rounds edge $edge
run_rounds mp-seq "$tmp/mp-seq"
run_rounds mp-par "$tmp/mp-par"
# shellcheck disable=SC2086
ep=$(procs $edge)
report4 "one after another" "$tmp/edge.times" "$ep" "$tmp/mp-seq.times" \
  "$(procs "$tmp/mp-seq")" "check_tcp x $machines, one after another"
report4 "all at once" "$tmp/edge.times" "$ep" "$tmp/mp-par.times" \
  "$(procs "$tmp/mp-par")" "check_tcp x $machines, all at once"
# (peak memory of a sequence or a burst: the largest process of it; all
# at once, they are also all resident together.  The processes of the
# Monitoring Plugins count the shell that runs them.)
