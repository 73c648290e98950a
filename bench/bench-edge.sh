#!/bin/sh
# The whole standard checklist, measured: check_edge (one process, every
# probe at once) beside the Monitoring Plugins doing the same work on the
# same local servers, one process per check (check_dns per name,
# check_ntp_time per server, check_curl per domain, check_tcp -e INFO per
# NATS endpoint), one after another as a Nagios core runs them, and all at
# once.  Then the same with one blackholed target of each kind.  The
# cost of many HTTPS targets is bench-https-scale.sh's.
# Prints medians (wall, CPU user+sys, peak memory, processes started) and
# the ratios edgeprobe / Monitoring Plugins.
# Usage (root, from a built tree): bench/bench-edge.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-5}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(cd "$builddir" && pwd)
mp=/usr/lib/nagios/plugins
for p in check_dns check_ntp_time check_curl check_tcp; do
  [ -x "$mp/$p" ] || { echo "no $mp/$p: apt-get install monitoring-plugins-basic monitoring-plugins-standard liburiparser1 bind9-dnsutils" >&2; exit 2; }
done
for c in nginx dnsmasq jq openssl chronyd nats-server strace; do
  command -v "$c" >/dev/null || { echo "no $c" >&2; exit 2; }
done
[ "$rounds" -ge 5 ] || { echo "at least 5 rounds for a median" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"

# --- the vendor's world on the namespace's loopback
nats_addrs=$(jq -r '.nats.targets[] | sub(":7422$"; "")' "$srcdir/profiles/standard.json")
names=$(jq -r '.https.targets[]' "$srcdir/profiles/standard.json")
for a in 8.8.8.8 8.8.4.4 $nats_addrs; do in_ns ip addr add "$a/32" dev lo || exit 2; done
san=""
for h in $names; do san="${san:+$san,}DNS:$h"; done
bench_pki "$san"
bench_nginx "$NS" 127.0.0.10 'location / { return 200 "ok\n"; }'
printf 'bindaddress 127.0.0.14\nport 123\ncmdport 0\nbindcmdaddress /\nlocal stratum 3\nallow 127.0.0.0/8\npidfile %s/chronyd.pid\n' \
  "$tmp" >"$tmp/chrony.conf"
in_ns chronyd -x -d -u root -f "$tmp/chrony.conf" </dev/null >/dev/null 2>&1 &
for a in $nats_addrs; do
  printf 'listen: "%s:4222"\nleafnodes { listen: "%s:7422" }\n' "$a" "$a" >"$tmp/nats-$a.conf"
  in_ns nats-server -c "$tmp/nats-$a.conf" </dev/null >/dev/null 2>&1 &
done
# The profile's resolvers and the system's (the Monitoring Plugins use
# that one): every seed name;
# --local makes dnsmasq answer AAAA with no data, not REFUSED (check_dns's
# nslookup asks for both).
in_ns dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.53 \
  --listen-address=8.8.8.8 --listen-address=8.8.4.4 --port=53 -k --user=root \
  --pid-file="$tmp/dnsmasq.pid" --cache-size=10000 \
  --address=/machinemetrics.com/127.0.0.10 --address=/balena-cloud.com/127.0.0.10 \
  --address=/bugsnag.com/127.0.0.10 --address=/amazonaws.com/127.0.0.10 \
  --address=/pool.ntp.org/127.0.0.14 \
  --local=/machinemetrics.com/ --local=/balena-cloud.com/ --local=/bugsnag.com/ \
  --local=/amazonaws.com/ --local=/pool.ntp.org/ \
  --server=/slow.example/127.0.0.99 </dev/null >/dev/null 2>&1 &
wait_port u 127.0.0.14 123
for a in 127.0.0.53 8.8.8.8 8.8.4.4; do wait_port u "$a" 53; done
for a in $nats_addrs; do wait_port t "$a" 7422; done

ntp_names=$(jq -r '.ntp.servers[]' "$srcdir/profiles/standard.json")
dns_names=$(in_ns "$bindir/check_edge_dns" --format json | jq -r '.targets[].name')
edge="$bindir/check_edge --cacert $tmp/ca.pem --expect-issuer edgeprobe"

# The Monitoring Plugins' checklist, one command per line, as services of
# a Nagios core: DNS per name through 8.8.8.8, NTP per server, HTTPS per
# domain (names through the system resolver, certificate verified), NATS
# per endpoint (connect, the INFO banner).
mp_lines() { # [EXTRA-DNS EXTRA-NTP EXTRA-HTTPS EXTRA-NATS]
  for n in $dns_names ${1:-}; do echo "$mp/check_dns -H $n -s 8.8.8.8 -t 5"; done
  for n in $ntp_names ${2:-}; do echo "$mp/check_ntp_time -H $n -t 5"; done
  for n in $names ${3:-}; do
    echo "$mp/check_curl -H $n -p 443 -S --sni --ca-cert $tmp/ca.pem -u / -t 5"
  done
  for a in $nats_addrs ${4:-}; do echo "$mp/check_tcp -H $a -p 7422 -e INFO -t 5"; done
}
mp_lines >"$tmp/mp.list"
{ echo '#!/bin/sh'; cat "$tmp/mp.list"; } >"$tmp/mp-seq"
{ echo '#!/bin/sh'; sed 's/$/ \&/' "$tmp/mp.list"; echo wait; } >"$tmp/mp-par"
chmod +x "$tmp/mp-seq" "$tmp/mp-par"

# Everything OK first, or the figures measure failures.
# shellcheck disable=SC2086
in_ns $edge >"$tmp/out" || { echo "check_edge is not OK here:" >&2; cat "$tmp/out" >&2; exit 1; }
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
  f="$tmp/$1.times"
  shift
  : >"$f"
  r=0
  while [ $r -lt "$rounds" ]; do
    measure "$f" "$@"
    r=$((r + 1))
  done
}

# report4 TITLE EDGE-FILE EDGE-PROCS MP-FILE MP-PROCS MP-NAME
report4() {
  aw=$(col "$2" 1); ac=$(col "$2" 2); am=$(col "$2" 3)
  bw=$(col "$4" 1); bc=$(col "$4" 2); bm=$(col "$4" 3)
  printf '%-44s %9s %9s %12s %6s\n' "" "wall s" "cpu s" "peak KiB" "procs"
  printf '%-44s %9.4f %9.4f %12d %6d\n' "check_edge" "$aw" "$ac" "$am" "$3"
  printf '%-44s %9.4f %9.4f %12d %6d\n' "$6" "$bw" "$bc" "$bm" "$5"
  awk -v aw="$aw" -v bw="$bw" -v ac="$ac" -v bc="$bc" -v am="$am" -v bm="$bm" \
    -v ap="$3" -v bp="$5" 'BEGIN {
    printf "ratio edgeprobe/Monitoring Plugins (%s): wall %.3f  cpu %.3f  peak memory %.2f  processes %.3f\n",
      "'"$1"'", aw / bw, ac / bc, am / bm, ap / bp }'
}

echo "== the standard checklist, every server answering (median of $rounds rounds)"
# shellcheck disable=SC2086
run_rounds edge $edge
run_rounds mp-seq "$tmp/mp-seq"
run_rounds mp-par "$tmp/mp-par"
# shellcheck disable=SC2086
ep=$(procs $edge)
mps=$(procs "$tmp/mp-seq")
mpp=$(procs "$tmp/mp-par")
report4 "one after another" "$tmp/edge.times" "$ep" "$tmp/mp-seq.times" "$mps" \
  "Monitoring Plugins, $(wc -l <"$tmp/mp.list") checks one after another"
report4 "all at once" "$tmp/edge.times" "$ep" "$tmp/mp-par.times" "$mpp" \
  "Monitoring Plugins, $(wc -l <"$tmp/mp.list") checks all at once"
# (peak memory of a sequence or a burst: the largest process of it; all
# at once, they are also all resident together.)

echo
echo "== one blackholed target of each kind (-t 5; median of $rounds rounds)"
for a in 127.0.0.96 127.0.0.97 127.0.0.98; do in_ns ip addr add "$a/32" dev lo; done
in_ns nft add table inet bench
in_ns nft add chain inet bench input '{ type filter hook input priority filter; policy accept; }'
in_ns nft add rule inet bench input ip daddr 127.0.0.96 tcp dport 7422 drop
in_ns nft add rule inet bench input ip daddr 127.0.0.97 tcp dport 443 drop
in_ns nft add rule inet bench input ip daddr 127.0.0.98 udp dport 123 drop
jq '{extends: "standard", timeout: 5,
     dns: {names: [{name: "x.slow.example"}]},
     ntp: {servers: (.ntp.servers + ["127.0.0.98"])},
     https: {targets: (.https.targets + ["127.0.0.97"])},
     nats: {targets: (.nats.targets + ["127.0.0.96:7422"])}}' \
  "$srcdir/profiles/standard.json" >"$tmp/blackholes.json"
mp_lines x.slow.example 127.0.0.98 127.0.0.97 127.0.0.96 >"$tmp/mpb.list"
# check_curl to an address: its name is the address, and -S verifies it.
sed -i "s|check_curl -H 127.0.0.97 .*|check_curl -H 127.0.0.97 -p 443 -S -t 5|" "$tmp/mpb.list"
{ echo '#!/bin/sh'; cat "$tmp/mpb.list"; } >"$tmp/mpb-seq"
{ echo '#!/bin/sh'; sed 's/$/ \&/' "$tmp/mpb.list"; echo wait; } >"$tmp/mpb-par"
chmod +x "$tmp/mpb-seq" "$tmp/mpb-par"
# shellcheck disable=SC2086
run_rounds edgeb $edge -P "$tmp/blackholes.json"
run_rounds mpb-seq "$tmp/mpb-seq"
run_rounds mpb-par "$tmp/mpb-par"
# shellcheck disable=SC2086
ep=$(procs $edge -P "$tmp/blackholes.json")
report4 "one after another" "$tmp/edgeb.times" "$ep" "$tmp/mpb-seq.times" "$(procs "$tmp/mpb-seq")" \
  "Monitoring Plugins, $(wc -l <"$tmp/mpb.list") checks one after another"
report4 "all at once" "$tmp/edgeb.times" "$ep" "$tmp/mpb-par.times" "$(procs "$tmp/mpb-par")" \
  "Monitoring Plugins, $(wc -l <"$tmp/mpb.list") checks all at once"
in_ns nft delete table inet bench
