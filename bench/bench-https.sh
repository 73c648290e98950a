#!/bin/sh
# Wall time, CPU time and max RSS of check_edge_https fetching https://HOST/
# from every target of the built-in standard profile at once, against a
# local nginx with a test CA, beside Monitoring Plugins' check_curl fetching
# the same targets one process after another.  check_edge_https does more:
# a c-ares lookup of each name (through the profile's resolvers, here a
# local dnsmasq), TLS verified against the CA and the chain described
# (issuer, expiry); check_curl gets the address with -I, so no DNS, and
# verifies the certificate and the host name against --ca-cert.
# Prints medians over ROUNDS runs and the ratios.
# Usage (root, from a built tree): bench/bench-https.sh [BUILDDIR] [ROUNDS]
set -u
builddir=${1:-_build}
rounds=${2:-20}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
check_edge_https=$(cd "$builddir" && pwd)/check_edge_https
check_curl=/usr/lib/nagios/plugins/check_curl
[ -x "$check_edge_https" ] || { echo "no $check_edge_https: build first" >&2; exit 2; }
[ -x "$check_curl" ] || { echo "no $check_curl: apt-get install monitoring-plugins-standard" >&2; exit 2; }
for c in nginx dnsmasq jq openssl; do
  command -v "$c" >/dev/null || { echo "no $c: apt-get install $c" >&2; exit 2; }
done
. "$(dirname "$0")/lib.sh"

# The standard profile's HTTPS targets, as check_edge_https checks them.
targets=$(jq -r '.https.targets[]' "$srcdir/profiles/standard.json") ||
  { echo "cannot read $srcdir/profiles/standard.json" >&2; exit 2; }
n_targets=$(echo "$targets" | wc -w)
[ "$n_targets" -gt 0 ] || { echo "no https targets in the standard profile" >&2; exit 1; }

# DNS: the profile's resolvers (8.8.8.8, 8.8.4.4) and the system one, all
# on the namespace's loopback, answering every name with 127.0.0.10.
# (--local: AAAA gets an empty answer instead of REFUSED.)
for a in 8.8.8.8 8.8.4.4; do
  ip netns exec "$NS" ip addr add "$a/32" dev lo || exit 2
done
ip netns exec "$NS" dnsmasq --no-resolv --no-hosts --bind-interfaces \
  --listen-address=127.0.0.53 --listen-address=8.8.8.8 --listen-address=8.8.4.4 \
  --port=53 -k --user=root --pid-file="$tmp/dnsmasq.pid" \
  --address=/machinemetrics.com/127.0.0.10 --address=/balena-cloud.com/127.0.0.10 \
  --address=/bugsnag.com/127.0.0.10 --address=/amazonaws.com/127.0.0.10 \
  --local=/machinemetrics.com/ --local=/balena-cloud.com/ --local=/bugsnag.com/ \
  --local=/amazonaws.com/ </dev/null >/dev/null 2>&1 &

# A test PKI: a CA and one leaf naming every target.
san=""
for h in $targets; do san="${san:+$san,}DNS:$h"; done
bench_pki "$san"
bench_nginx "$NS" 127.0.0.10 'location / { return 200 "ok\n"; }'
for a in 127.0.0.53 8.8.8.8 8.8.4.4; do
  i=0
  until ip netns exec "$NS" ss -Hlnu "src $a:53" | grep -q .; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "dnsmasq on $a did not start" >&2; exit 1; }
    sleep 0.05
  done
done

ip netns exec "$NS" "$check_edge_https" --cacert "$tmp/ca.pem" \
  --expect-issuer "edgeprobe bench CA" >"$tmp/out" ||
  { echo "check_edge_https is not OK against the local nginx:" >&2; cat "$tmp/out" >&2; exit 1; }
first=$(echo "$targets" | head -n 1)
ip netns exec "$NS" "$check_curl" -H "$first" -I 127.0.0.10 -p 443 -S --sni \
  --ca-cert "$tmp/ca.pem" -u / >"$tmp/out" ||
  { echo "check_curl is not OK against the local nginx:" >&2; cat "$tmp/out" >&2; exit 1; }

: >"$tmp/edge"
: >"$tmp/mp"
r=0
while [ $r -lt "$rounds" ]; do
  measure "$tmp/edge" "$check_edge_https" --cacert "$tmp/ca.pem" \
    --expect-issuer "edgeprobe bench CA"
  tail -n 1 "$tmp/edge" | awk '$4 != 0 { print "check_edge_https exited " $4 > "/dev/stderr" }'
  # check_curl: one process per target, one after another; sum time, max RSS.
  : >"$tmp/mp-round"
  for h in $targets; do
    measure "$tmp/mp-round" "$check_curl" -H "$h" -I 127.0.0.10 -p 443 -S --sni \
      --ca-cert "$tmp/ca.pem" -u /
  done
  awk '$4 != 0 { bad++ } END { if (bad) print bad " check_curl runs not OK" > "/dev/stderr" }' \
    "$tmp/mp-round"
  sum_round "$tmp/mp-round" >>"$tmp/mp"
  r=$((r + 1))
done

report "HTTPS: $n_targets targets of the standard profile, local nginx, median of $rounds rounds" \
  "check_edge_https (one process)" "$tmp/edge" "check_curl x $n_targets (sequential)" "$tmp/mp"
