#!/bin/sh
# How long an SNMP poller waits for a NATS endpoint's state: from
# edgeprobe-agentx (a lookup in its latest run, over AgentX) beside what a
# NOC does without it, snmpd's "extend" running the Monitoring Plugins'
# check_tcp -e INFO when the GET arrives (net-snmp caches the result for
# 5 s).  One endpoint answers, one is blackholed (-t 4 on both sides).
# ROUNDS times, GETS GETs in a row each (tests/servers/ep-snmp-getter
# times every one); prints the median of the rounds' medians and the
# largest maximum, and the ratios edgeprobe / Monitoring Plugins.
# Then the subagent's tail: TAIL GETs in a row (p50, p99, max) while its
# run waits on the blackhole, and while a run of 1000 HTTPS targets (one
# nginx, *.bench.example) is in progress, beside snmpd's cached extend.
# Usage (root, from a built tree):
#   bench/bench-snmp.sh [BUILDDIR] [ROUNDS] [GETS] [TAIL]
set -u
builddir=${1:-_build}
rounds=${2:-5}
gets=${3:-1000}
tail_gets=${4:-10000}
agentx=$(cd "$builddir" && pwd)/edgeprobe-agentx
getter=$(cd "$builddir" && pwd)/tests/servers/ep-snmp-getter
check_tcp=/usr/lib/nagios/plugins/check_tcp
[ -x "$agentx" ] || { echo "no $agentx: build first (libsnmp-dev)" >&2; exit 2; }
[ -x "$getter" ] || make -C "$builddir" tests/servers/ep-snmp-getter >/dev/null ||
  { echo "cannot build $getter" >&2; exit 2; }
[ -x "$check_tcp" ] || { echo "no $check_tcp: apt-get install monitoring-plugins-basic" >&2; exit 2; }
for c in snmpd nats-server nft nginx dnsmasq openssl; do
  command -v $c >/dev/null || { echo "no $c" >&2; exit 2; }
done
. "$(dirname "$0")/lib.sh"
SNMP_PERSISTENT_DIR="$tmp/state"
export SNMP_PERSISTENT_DIR
mkdir -p "$tmp/state" "$tmp/agentx"
chmod 711 "$tmp"

ip netns exec "$NS" nats-server -a 127.0.0.71 -p 7422 </dev/null >/dev/null 2>&1 &
ip netns exec "$NS" nft add table inet bench
ip netns exec "$NS" nft add chain inet bench input '{ type filter hook input priority filter; policy accept; }'
ip netns exec "$NS" nft add rule inet bench input ip daddr 127.0.0.72 tcp dport 7422 drop
cat >"$tmp/snmpd.conf" <<CONF
[snmp] mibs :
[snmp] persistentDir $tmp/state
master agentx
agentXSocket $tmp/agentx/master
agentXPerms 0660 0711 nobody nogroup
agentaddress udp:127.0.0.1:161
rocommunity public 127.0.0.1
extend nats-ok $check_tcp -H 127.0.0.71 -p 7422 -e INFO -t 4
extend nats-hole $check_tcp -H 127.0.0.72 -p 7422 -e INFO -t 4
CONF
ip netns exec "$NS" snmpd -f -Lo -C -c "$tmp/snmpd.conf" >"$tmp/snmpd.log" 2>&1 &
i=0
until [ -S "$tmp/agentx/master" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "snmpd did not start" >&2; exit 1; }
  sleep 0.05
done
cat >"$tmp/nats.json" <<JSON
{ "timeout": 4, "nats": { "targets": ["127.0.0.71:7422", "127.0.0.72:7422"] } }
JSON
chmod 644 "$tmp/nats.json"
# Runs back to back: one is always waiting on the blackhole.
ip netns exec "$NS" "$agentx" -f -x "$tmp/agentx/master" -u nobody -P "$tmp/nats.json" \
  -i 1 >"$tmp/agentx.log" 2>&1 &
agentx_pid=$!
sleep 5

mib=.1.3.6.1.4.1.8072.9999.7422
# nsExtendResult."NAME": the plugin's exit code.
extend_oid() {
  printf '.1.3.6.1.4.1.8072.1.3.2.3.1.4.%d' "${#1}"
  printf '%s' "$1" | od -An -tu1 | tr -s ' ' '\n' | grep . | sed 's/^/./' | tr -d '\n'
}

# poll NAME OID: ROUNDS rounds of GETS GETs; appends "median max" lines.
poll() {
  : >"$tmp/$1"
  r=0
  while [ $r -lt "$rounds" ]; do
    out=$(ip netns exec "$NS" "$getter" 127.0.0.1 public "$2" "$gets")
    set -- "$1" "$2" $out
    echo "$6 $8 ${10}" >>"$tmp/$1"
    r=$((r + 1))
  done
}
poll edge-ok "$mib.1.5.1.3.1"
poll edge-hole "$mib.1.5.1.3.2"
poll mp-ok "$(extend_oid nats-ok)"
poll mp-hole "$(extend_oid nats-hole)"

# snmpd answers one request at a time: while an extend waits on the
# blackhole, every other GET waits too, edgeprobe's among them.
sleep 5.5 # the extend's cache expires
ip netns exec "$NS" "$getter" 127.0.0.1 public "$(extend_oid nats-hole)" 1 >/dev/null &
slow=$!
sleep 0.2
stalled=$(ip netns exec "$NS" "$getter" 127.0.0.1 public "$mib.1.5.1.3.1" 100)
wait "$slow"

largest() { awk '{ print $2 }' "$1" | sort -n | tail -n 1; }
echo "GET latency, $gets GETs in a row, $rounds rounds: median of the medians, largest maximum (s)"
printf '%-44s %12s %12s %9s\n' "" "median" "max" "failures"
for case in ok hole; do
  em=$(col "$tmp/edge-$case" 1); ex=$(largest "$tmp/edge-$case")
  mm=$(col "$tmp/mp-$case" 1); mx=$(largest "$tmp/mp-$case")
  ef=$(awk '{ f += $3 } END { print f + 0 }' "$tmp/edge-$case")
  mf=$(awk '{ f += $3 } END { print f + 0 }' "$tmp/mp-$case")
  printf '%-44s %12.6f %12.6f %9s\n' "edgeprobe-agentx, NATS $case" "$em" "$ex" "$ef"
  printf '%-44s %12.6f %12.6f %9s\n' "snmpd extend check_tcp -e INFO, NATS $case" "$mm" "$mx" "$mf"
  awk -v a="$em" -v b="$mm" -v c="$ex" -v d="$mx" 'BEGIN {
    printf "ratio edgeprobe/Monitoring Plugins: median %.3f  max %.4f\n", a / b, c / d }'
done
echo "edgeprobe-agentx's GETs while snmpd runs the blackholed extend: $stalled"
echo "subagent RSS: $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$(pgrep -f "$agentx" | head -n 1)/status")"

# tail NAME OID: TAIL GETs in a row; "p50 p99 max failures" into NAME.
tail_of() {
  set -- "$1" "$2" $(ip netns exec "$NS" "$getter" 127.0.0.1 public "$2" "$tail_gets")
  echo "$6 ${12} $8 ${10}" >"$tmp/$1"
}
tail_of tail-hole "$mib.1.5.1.3.1"
tail_of tail-extend "$(extend_oid nats-ok)"
# What snmpd answers itself (sysUpTime.0), no AgentX hop: the machine's
# own tail, beside which ours is read.
tail_of tail-snmpd .1.3.6.1.2.1.1.3.0

# The same subagent with 1000 HTTPS targets more, a run every 2 s (each
# takes about 1.1 s here): most GETs find 1000 handshakes in progress,
# and every one finds a view of 1000 rows.
kill "$agentx_pid"
wait "$agentx_pid" 2>/dev/null
bench_pki "DNS:*.bench.example"
chmod 644 "$tmp/ca.pem"
bench_nginx "$NS" 127.0.0.10 'location / { return 200 "ok\n"; }'
# nginx stands for the cloud: its handshakes' CPU would not be the
# gateway's, so it only gets what the gateway's processes leave.
for p in $(pgrep -f "nginx -e $tmp/nginx.err"); do renice -n 19 -p "$p" >/dev/null; done
ip netns exec "$NS" dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.53 \
  --port=53 -k --user=root --pid-file="$tmp/dnsmasq.pid" --cache-size=10000 \
  --address=/bench.example/127.0.0.10 --local=/bench.example/ </dev/null >/dev/null 2>&1 &
jq -n --arg ca "$tmp/ca.pem" '{ timeout: 10, dns: { servers: ["127.0.0.53"], fallback: "none" },
  https: { targets: [range(1; 1001) | "t\(.).bench.example"], cacert: $ca,
           expect_issuers: ["edgeprobe"], warning: "30", critical: "60" },
  nats: { targets: ["127.0.0.71:7422", "127.0.0.72:7422"] } }' >"$tmp/https.json"
chmod 644 "$tmp/https.json"
ulimit -n 8192
ip netns exec "$NS" "$agentx" -f -x "$tmp/agentx/master" -u nobody -P "$tmp/https.json" \
  -i 2 -t 1.9 >"$tmp/agentx-https.log" 2>&1 &
agentx_pid=$!
# The first run's 1000 targets in the table, the last one OK (0).
i=0
until ip netns exec "$NS" snmpget -Oqv -v2c -c public 127.0.0.1 "$mib.1.4.1.3.1000" 2>/dev/null |
  grep -q '^0$'; do
  i=$((i + 1)); [ $i -lt 300 ] || { echo "the 1000 HTTPS targets never showed OK:" >&2; cat "$tmp/agentx-https.log" >&2; exit 1; }
  sleep 0.1
done
tail_of tail-https "$mib.1.4.1.3.1000"
tail_of tail-https-nats "$mib.1.5.1.3.1"
tail_of tail-https-snmpd .1.3.6.1.2.1.1.3.0

echo
echo "The subagent's tail, $tail_gets GETs in a row each (s)"
printf '%-58s %10s %10s %10s %9s\n' "" p50 p99 max failures
row() { awk -v n="$1" '{ printf "%-58s %10.6f %10.6f %10.6f %9d\n", n, $1, $2, $3, $4 }' "$tmp/$2"; }
row "snmpd's own sysUpTime.0" tail-snmpd
row "snmpd extend check_tcp (cached 5 s), NATS answers" tail-extend
row "edgeprobe-agentx, NATS, a run waiting on a blackhole" tail-hole
row "snmpd's own sysUpTime.0, during a run of 1000 HTTPS targets" tail-https-snmpd
row "edgeprobe-agentx, NATS, during that run" tail-https-nats
row "edgeprobe-agentx, HTTPS row 1000, during that run" tail-https
echo "subagent RSS with 1000 HTTPS targets: $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$agentx_pid/status")"
