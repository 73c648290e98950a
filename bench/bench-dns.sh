#!/bin/sh
# Wall time, CPU time and max RSS of check_edge_dns resolving every name of
# the built-in standard profile against a local dnsmasq, beside Monitoring
# Plugins' check_dns doing the same names one process after another.
# Prints medians over ROUNDS runs and the ratios edgeprobe / check_dns.
# Usage (root, from a built tree): bench/bench-dns.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-20}
check_edge_dns=$(cd "$builddir" && pwd)/check_edge_dns
check_dns=/usr/lib/nagios/plugins/check_dns
[ -x "$check_edge_dns" ] || { echo "no $check_edge_dns: build first" >&2; exit 2; }
[ -x "$check_dns" ] || { echo "no $check_dns: apt-get install monitoring-plugins-standard bind9-dnsutils" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"
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
  awk '$4 != 0 { bad++ } END { if (bad) print bad " check_dns runs not OK" > "/dev/stderr" }' \
    "$tmp/mp-round"
  sum_round "$tmp/mp-round" >>"$tmp/mp"
  r=$((r + 1))
done

report "DNS: $n_names names of the standard profile, local dnsmasq, median of $rounds rounds" \
  "check_edge_dns (one process)" "$tmp/edge" "check_dns x $n_names (sequential)" "$tmp/mp"
