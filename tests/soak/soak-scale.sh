#!/bin/sh
# The long soak, out of CI for its length: edgeprobe-agentx (under snmpd)
# and edgeprobe.so (in collectd), one after the other (or one alone:
# FRONT), each running RUNS checklists of 1000 HTTPS targets
# (t1...t1000.soak.example, ten on each of 100 addresses of one nginx)
# while one address in turn refuses port 443: one per cent of the targets
# fail, different ones every few runs.  Prints a table of open descriptors
# and RSS every EVERY runs; the figures must be flat once warm.
#
# Usage (root, from the build directory, after make):
#   EP_SRCDIR=/path/to/source sh /path/to/source/tests/soak/soak-scale.sh [RUNS] [EVERY] [INTERVAL] [FRONT]
# RUNS 10000 and EVERY 1000 by default; a run every INTERVAL seconds (2:
# 1000 handshakes take about 1.1 s of a core here), so the default soak
# takes about 11 hours for each front end.  FRONT is agentx, collectd or
# both (the default): the two halves can run on different days or machines.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
runs=${1:-10000}
every=${2:-1000}
interval=${3:-2}
front=${4:-both}
case $front in
  agentx | collectd | both) ;;
  *) echo "FRONT is agentx, collectd or both, not '$front'" >&2; exit 2 ;;
esac
timeout=$(awk -v i="$interval" 'BEGIN { print i * 0.9 }')
ep_setup
[ "$front" = collectd ] || snmp_setup
[ "$front" = agentx ] || collectd_setup
for c in nginx dnsmasq nft /usr/bin/python3; do command -v $c >/dev/null || skip "needs $c"; done
ulimit -n 8192

P="$TMP/pki"
R="$TMP/collectd"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" && https_leaf "$P" soak ca 90 "DNS:*.soak.example" ||
  { fail "cannot make the test PKI"; ep_done; }
chmod 755 "$P"
chmod 644 "$P/ca.pem"
start_https_nginx "  server { listen 443 ssl backlog=4096; ssl_certificate $P/soak.pem; ssl_certificate_key $P/soak.key; location / { return 200; } }"
: >"$TMP/hosts"
i=1
while [ $i -le 1000 ]; do
  echo "127.0.1.$((i % 100 + 1)) t$i.soak.example" >>"$TMP/hosts"
  i=$((i + 1))
done
start_dnsmasq 127.0.0.53 --addn-hosts="$TMP/hosts" --local=/soak.example/ --cache-size=10000
wait_tcp 0.0.0.0 443
jq -n '{ timeout: 10, dns: { servers: ["127.0.0.53"], fallback: "none" },
  https: { targets: [range(1; 1001) | "t\(.).soak.example"],
           expect_issuers: ["edgeprobe test CA"], warning: "30", critical: "60" } }' \
  >"$TMP/soak.json"
chmod 644 "$TMP/soak.json"

# One address at a time refuses 443 (a reset): its ten targets fail.
ns nft add table inet soak
ns nft add set inet soak refused '{ type ipv4_addr; }'
ns nft add chain inet soak input '{ type filter hook input priority filter; policy accept; }'
ns nft add rule inet soak input ip daddr @refused tcp dport 443 reject with tcp reset
rotate_refused() {
  _k=1
  while :; do
    ns nft flush set inet soak refused
    ns nft add element inet soak refused "{ 127.0.1.$_k }"
    _k=$((_k % 100 + 1))
    sleep "$(awk -v i="$interval" 'BEGIN { print i * 3 }')"
  done
}
rotate_refused &
rotator=$!
ep_pids="$ep_pids $rotator"

# usage PID: "FDS RSS-KiB", the fewest of each in looks over one
# interval: a run under way holds its sockets and its handshakes' memory.
usage() {
  _fds=999999
  _rss=999999999
  _l=0
  while [ $_l -lt $((${interval%.*} * 20 + 20)) ]; do
    _n=$(ls "/proc/$1/fd" | wc -l)
    [ "$_n" -lt "$_fds" ] && _fds=$_n
    _m=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status")
    [ "$_m" -lt "$_rss" ] && _rss=$_m
    sleep 0.05
    _l=$((_l + 1))
  done
  echo "$_fds $_rss"
}

# judge FILE: whether descriptors and RSS stayed flat after the first
# row (the warm-up): within 2 descriptors and 2 MiB of the second row's.
judge() {
  awk 'NR == 2 { f = $3; m = $4 } NR > 2 {
      if ($3 > f + 2) bad = bad sprintf(" %d descriptors after %d;", $3, $2)
      if ($4 > m + 2048) bad = bad sprintf(" %d KiB after %d;", $4, $2) }
    END { if (NR < 3) { print "fewer than three rows"; exit 1 }
          if (bad) { print "grew after warm-up:" bad; exit 1 }
          printf "descriptors and RSS flat from %d to %d (%d, %d KiB)\n", first, $2, $3, $4 }
    NR == 2 { first = $2 }' "$1"
}

# https_last: the time of the newest HTTPS value collectd holds, through
# its unix socket: reads go on while it keeps up with the clock.  (The
# table's reads are counted by the clock, one every INTERVAL.)
https_last() {
  ns /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
f.write("LISTVAL\n"); f.flush()
n = int(f.readline().split()[0]); best = 0
for _ in range(n):
    t, ident = f.readline().split(" ", 1)
    if "/edgeprobe-https/" in ident: best = max(best, float(t))
print(int(best))' "$R/sock" 2>/dev/null
}

soak_agentx() {
  echo "# edgeprobe-agentx: $runs runs of 1000 HTTPS targets, one every $interval s (deadline $timeout s)"
  start_snmpd
  start_agentx -P "$TMP/soak.json" --cacert "$P/ca.pem" -i "$interval" -t "$timeout"
  printf '%-12s %8s %8s %10s\n' subagent runs fds "RSS KiB"
  : >"$TMP/agentx.table"
  n=$every
  while [ "$n" -le "$runs" ]; do
    wait_runs "$n" $((every * ${interval%.*} * 3 + 60)) ||
      { fail "not $n runs: $(sget EDGEPROBE-MIB::epRuns.0)"; break; }
    u=$(usage "$agentx_pid")
    echo "subagent $n $u" >>"$TMP/agentx.table"
    printf '%-12s %8s %8s %10s\n' subagent "$n" ${u% *} ${u#* }
    n=$((n + every))
  done
  failing=$(snmp snmpwalk -Oqv EDGEPROBE-MIB::epHttpsState | grep -vc '^ok$')
  echo "# the last run: $failing of 1000 targets not OK (10 refused, in turn)"
  stop_agentx && pass "the subagent stopped cleanly"
  v=$(judge "$TMP/agentx.table") && pass "subagent: $v" || fail "subagent: $v"
  stop_snmpd
}

soak_collectd() {
  echo "# edgeprobe.so in collectd: $runs reads of 1000 HTTPS targets, one every $interval s"
  mkdir -p "$R"
  collectd_conf "$R/collectd.conf" "$R" soak "  Profile \"$TMP/soak.json\"
  CACert \"$P/ca.pem\"
  Timeout $timeout
  <Check \"dns\">
    Interval $interval
  </Check>
  <Check \"https\">
    Interval $interval
  </Check>" "LoadPlugin unixsock
<Plugin unixsock>
  SocketFile \"$R/sock\"
  SocketGroup \"root\"
</Plugin>"
  # Only the unix socket reads the values: csv would write 5000 files a read.
  sed -i '/^LoadPlugin csv$/,/^<\/Plugin>$/d' "$R/collectd.conf"
  start_collectd "$R/collectd.conf"
  started=$(date +%s)
  printf '%-12s %8s %8s %10s\n' collectd "reads" fds "RSS KiB"
  : >"$TMP/collectd.table"
  n=$every
  while [ "$n" -le "$runs" ] && collectd_alive; do
    due=$(awk -v s="$started" -v n="$n" -v i="$interval" 'BEGIN { printf "%d", s + n * i }')
    while [ "$(date +%s)" -lt "$due" ] && collectd_alive; do sleep 1; done
    last=$(https_last)
    [ -n "$last" ] && [ $(($(date +%s) - last)) -le $((${interval%.*} * 3 + 2)) ] ||
      { fail "edgeprobe.so stopped reading: last HTTPS value at '$last'"; break; }
    u=$(usage "$collectd_pid")
    echo "collectd $n $u" >>"$TMP/collectd.table"
    printf '%-12s %8s %8s %10s\n' collectd "$n" ${u% *} ${u#* }
    n=$((n + every))
  done
  stop_collectd && pass "collectd stopped cleanly"
  v=$(judge "$TMP/collectd.table") && pass "collectd: $v" || fail "collectd: $v"
}

[ "$front" = collectd ] || soak_agentx
[ "$front" = agentx ] || soak_collectd
ep_done
