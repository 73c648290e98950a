#!/bin/sh
# Wall time, CPU time and max RSS of check_edge_dns resolving every name of
# the built-in standard profile against a local dnsmasq, beside Monitoring
# Plugins' check_dns doing the same names one process after another.
# Prints medians over ROUNDS runs and the ratios edgeprobe / check_dns.
# Usage (root, from a built tree): bench/bench-dns.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-20}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
check_edge_dns=$(cd "$builddir" && pwd)/check_edge_dns
check_dns=/usr/lib/nagios/plugins/check_dns
[ -x "$check_edge_dns" ] || { echo "no $check_edge_dns: build first" >&2; exit 2; }
[ -x "$check_dns" ] || { echo "no $check_dns: apt-get install monitoring-plugins-standard bind9-dnsutils" >&2; exit 2; }
measure_bin=$(cd "$builddir" && pwd)/bench/ep-measure
[ -x "$measure_bin" ] || make -C "$builddir" bench/ep-measure >/dev/null ||
  { echo "cannot build bench/ep-measure" >&2; exit 2; }

NS=ep-bench-$$
tmp=$(mktemp -d)
cleanup() {
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
  sleep 0.1
  ip netns del "$NS" 2>/dev/null
  rm -rf "/etc/netns/$NS" "$tmp"
}
trap cleanup EXIT INT TERM
ip netns add "$NS" || exit 2
ip netns exec "$NS" ip link set lo up
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.53" >"/etc/netns/$NS/resolv.conf"
# (check_dns asks nslookup, which also asks for AAAA: --local makes
# dnsmasq answer that with no data instead of REFUSED.)
ip netns exec "$NS" dnsmasq --no-resolv --no-hosts --bind-interfaces \
  --listen-address=127.0.0.53 --port=53 -k --user=root \
  --address=/machinemetrics.com/127.0.0.10 --address=/balena-cloud.com/127.0.0.11 \
  --address=/bugsnag.com/127.0.0.12 --address=/amazonaws.com/127.0.0.13 \
  --address=/pool.ntp.org/127.0.0.14 \
  --local=/machinemetrics.com/ --local=/balena-cloud.com/ --local=/bugsnag.com/ \
  --local=/amazonaws.com/ --local=/pool.ntp.org/ </dev/null >/dev/null 2>&1 &
i=0
until ip netns exec "$NS" ss -Hlnu 'src 127.0.0.53:53' | grep -q .; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "dnsmasq did not start" >&2; exit 1; }
  sleep 0.05
done

# The standard profile's names, as check_edge_dns resolves them.
names=$(ip netns exec "$NS" "$check_edge_dns" -D 127.0.0.53 --fallback-dns none |
  sed -n 's/^\[[A-Z]*\] \([^ ]*\) .*/\1/p')
n_names=$(echo "$names" | wc -w)
[ "$n_names" -gt 0 ] || { echo "check_edge_dns resolved nothing" >&2; exit 1; }

# measure OUT CMD...: appends "wall cpu maxrss_kib exit" of one run to OUT.
measure() {
  out=$1
  shift
  ip netns exec "$NS" "$measure_bin" "$out" "$@" >/dev/null 2>&1
}

: >"$tmp/edge"
: >"$tmp/mp"
r=0
while [ $r -lt "$rounds" ]; do
  measure "$tmp/edge" "$check_edge_dns" -D 127.0.0.53 --fallback-dns none
  tail -n 1 "$tmp/edge" | awk '$4 != 0 { print "check_edge_dns exited " $4 > "/dev/stderr" }'
  # check_dns: one process per name, one after another; sum time, max RSS.
  : >"$tmp/mp-round"
  for n in $names; do
    measure "$tmp/mp-round" "$check_dns" -H "$n" -s 127.0.0.53
  done
  awk '$4 != 0 { bad++ } { w += $1; c += $2; if ($3 > m) m = $3 }
    END { printf "%.6f %.6f %d\n", w, c, m; if (bad) print bad " check_dns runs not OK" > "/dev/stderr" }' \
    "$tmp/mp-round" >>"$tmp/mp"
  r=$((r + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$1" | median; }

ew=$(col "$tmp/edge" 1); ec=$(col "$tmp/edge" 2); em=$(col "$tmp/edge" 3)
mw=$(col "$tmp/mp" 1); mc=$(col "$tmp/mp" 2); mm=$(col "$tmp/mp" 3)
echo "DNS: $n_names names of the standard profile, local dnsmasq, median of $rounds rounds"
printf '%-34s %10s %10s %12s\n' "" "wall s" "cpu s" "max RSS KiB"
printf '%-34s %10.4f %10.4f %12d\n' "check_edge_dns (one process)" "$ew" "$ec" "$em"
printf '%-34s %10.4f %10.4f %12d\n' "check_dns x $n_names (sequential)" "$mw" "$mc" "$mm"
awk -v ew="$ew" -v mw="$mw" -v ec="$ec" -v mc="$mc" -v em="$em" -v mm="$mm" 'BEGIN {
  printf "ratio edgeprobe/check_dns: wall %.3f  cpu %.3f  max RSS %.2f\n",
    ew / mw, ec / mc, em / mm }'
