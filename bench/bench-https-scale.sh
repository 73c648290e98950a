#!/bin/sh
# The cost of many HTTPS targets: check_edge_https fetching 10, 100 and
# 1000 names (*.bench.example, every one resolved by a local dnsmasq, one
# nginx behind them) beside curl --parallel --parallel-max 64 fetching the
# same URLs from the same nginx with the same CA in the same round.  Both
# resolve each name, verify the chain and the host name, and send one GET.
# Prints medians of wall, CPU and peak RSS, the CPU per handshake and the
# ratio edgeprobe/curl.  A third row is the floor: bench/ep-tls-floor,
# OpenSSL alone doing the same verified handshakes and GETs with one
# SSL_CTX and no lookups, 64 at a time; edgeprobe/floor is what libcurl
# and our own code add to OpenSSL's cost.  The fourth is the same with an
# SSL_CTX per connection, as libcurl makes them.
#
# The leaf is ECDSA P-256 under an RSA-2048 CA unless LEAF is rsa: with an
# RSA-2048 leaf, nginx's one worker spends about 0.9 ms signing each
# handshake on a 2-core machine of ours, and that, not the client, sets
# the wall time of 1000.
# Usage (root, from a built tree):
#   bench/bench-https-scale.sh [BUILDDIR] [ROUNDS] [SIZES] [LEAF: ec|rsa]
set -u
builddir=${1:-_build}
rounds=${2:-5}
sizes=${3:-10 100 1000}
case ${4:-ec} in
  ec) leafkey="ec -pkeyopt ec_paramgen_curve:P-256" ;;
  rsa) leafkey="rsa:2048" ;;
  *) echo "LEAF is ec or rsa, not '$4'" >&2; exit 2 ;;
esac
bindir=$(cd "$builddir" && pwd)
for c in nginx dnsmasq openssl curl jq; do
  command -v "$c" >/dev/null || { echo "no $c: apt-get install $c" >&2; exit 2; }
done
[ -x "$bindir/check_edge_https" ] || { echo "no $bindir/check_edge_https: build first" >&2; exit 2; }
floor_bin=$bindir/bench/ep-tls-floor
make -C "$bindir" bench/ep-tls-floor >/dev/null ||
  { echo "cannot build bench/ep-tls-floor" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"
# 1000 connections at once need more than 1024 descriptors.
ulimit -n 8192

in_ns ip addr add 8.8.8.8/32 dev lo || exit 2
bench_pki "DNS:*.bench.example" "$leafkey"
bench_nginx "$NS" 127.0.0.10 'location / { return 200 "ok\n"; }'
# The profile's resolver (check_edge_https -D) and the system's (curl's).
in_ns dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.53 \
  --listen-address=8.8.8.8 --port=53 -k --user=root --pid-file="$tmp/dnsmasq.pid" \
  --cache-size=10000 --address=/bench.example/127.0.0.10 --local=/bench.example/ \
  </dev/null >/dev/null 2>&1 &
wait_port u 127.0.0.53 53
wait_port u 8.8.8.8 53

# ratios TOOL N: edgeprobe's medians over TOOL's for N targets.
ratios() {
  awk -v t="$1" -v a="$(col "$tmp/edge-$2" 2)" -v b="$(col "$tmp/$1-$2" 2)" \
    -v aw="$(col "$tmp/edge-$2" 1)" -v bw="$(col "$tmp/$1-$2" 1)" \
    -v am="$(col "$tmp/edge-$2" 3)" -v bm="$(col "$tmp/$1-$2" 3)" \
    'function r(x, y) { return y > 0 ? x / y : 0 }
    BEGIN { printf "%-8s ratio edgeprobe/%s: wall %.2f  cpu %.2f  peak RSS %.2f\n", "", t, r(aw, bw), r(a, b), r(am, bm) }'
}

echo "== HTTPS at scale: check_edge_https beside curl --parallel --parallel-max 64 (${4:-ec} leaf; median of $rounds)"
printf '%-8s %-22s %9s %9s %11s %14s %8s\n' targets tool "wall s" "cpu s" "peak KiB" "cpu/target ms" "all OK"
for n in $sizes; do
  args=""
  : >"$tmp/curl-$n.cfg"
  i=1
  while [ $i -le "$n" ]; do
    args="$args -H t$i.bench.example"
    printf 'url = "https://t%d.bench.example/"\noutput = "/dev/null"\n' $i >>"$tmp/curl-$n.cfg"
    i=$((i + 1))
  done
  : >"$tmp/edge-$n"
  : >"$tmp/curl-$n"
  : >"$tmp/floor-$n"
  : >"$tmp/ctx-$n"
  r=0
  while [ $r -lt "$rounds" ]; do
    # shellcheck disable=SC2086
    measure "$tmp/edge-$n" "$bindir/check_edge_https" -D 8.8.8.8 --cacert "$tmp/ca.pem" \
      --expect-issuer edgeprobe -t 60 -w 30 -c 60 $args
    # curl's exit is 0 only if every transfer worked (--fail-early off,
    # --fail turns an HTTP error into a failure).
    measure "$tmp/curl-$n" curl --parallel --parallel-max 64 --fail -s \
      --cacert "$tmp/ca.pem" -K "$tmp/curl-$n.cfg"
    measure "$tmp/floor-$n" "$floor_bin" "$tmp/ca.pem" 127.0.0.10 "t%d.bench.example" "$n"
    measure "$tmp/ctx-$n" "$floor_bin" "$tmp/ca.pem" 127.0.0.10 "t%d.bench.example" "$n" \
      ctx-per-connection
    r=$((r + 1))
  done
  for tool in edge curl floor ctx; do
    f="$tmp/$tool-$n"
    ok=$(awk '$4 == 0 { k++ } END { print k + 0 }' "$f")
    case $tool in
      edge) name=check_edge_https ;;
      curl) name="curl --parallel-max 64" ;;
      floor) name="OpenSSL alone (floor)" ;;
      ctx) name="  SSL_CTX per conn." ;;
      *) name=$tool ;;
    esac
    printf '%-8s %-22s %9.4f %9.4f %11d %14.3f %5s/%s\n' "$n" "$name" "$(col "$f" 1)" \
      "$(col "$f" 2)" "$(col "$f" 3)" "$(awk -v c="$(col "$f" 2)" -v n="$n" 'BEGIN { print c * 1000 / n }')" \
      "$ok" "$rounds"
  done
  ratios curl "$n"
  ratios floor "$n"
  # A few targets cost little: the run's wall time stays near its
  # slowest target's (timed from its lookup's answer to its headers).
  if [ "$n" -le 100 ]; then
    # shellcheck disable=SC2086
    in_ns "$bindir/check_edge_https" -D 8.8.8.8 --cacert "$tmp/ca.pem" --expect-issuer edgeprobe \
      -t 60 -w 30 -c 60 --format json $args >"$tmp/json-$n" 2>&1
    printf '%-8s slowest target of one more run: %.4f s (wall median above: %.4f s)\n' "" \
      "$(jq '[.targets[].details.total_seconds] | max' "$tmp/json-$n")" "$(col "$tmp/edge-$n" 1)"
  fi
done
