#!/bin/sh
# CPU time of check_edge_uplink's paced upload per second of test, beside
# curl uploading a body of the same size with --limit-rate to the same
# nginx.  A gateway namespace (lib.sh's, where both tools run) and a cloud
# namespace joined by a veth (10.78.0.1/30 and 10.78.0.2/30), a TBF of
# LINK on the gateway's side (none: no qdisc); in the cloud, nginx with TLS
# (a test CA's certificate for uploads.example) answering every PUT 204,
# and dnsmasq answering uploads.example and api.example.  For 1, 50 and 500
# machines (paced at 4 kbit/s, 200 kbit/s and 2 Mbit/s: 1000 bit/s a
# machine, headroom 4), --upload-seconds 10 and -t 20: check_edge_uplink
# (a lookup, the DNS train of 20 queries 50 ms apart, then the PUT, judged
# on TCP_INFO's acknowledged bytes) beside `curl -T` of rate/8 x 10 bytes
# with --limit-rate rate/8 (a lookup and the PUT).  Each tool's reported
# rate is printed beside its times, so that both are seen to do the same
# work.  Prints medians over ROUNDS runs of each and the ratios
# edgeprobe/curl, CPU per second of test (user+sys over the run's wall
# time) first.
# Usage (root, from a built tree): bench/bench-uplink.sh [BUILDDIR] [ROUNDS] [LINK]
set -u
builddir=${1:-_build}
rounds=${2:-3}
link=${3:-10mbit}
seconds=10
check_edge_uplink=$(cd "$builddir" && pwd)/check_edge_uplink
[ -x "$check_edge_uplink" ] || { echo "no $check_edge_uplink: build first" >&2; exit 2; }
for c in nginx dnsmasq curl openssl tc; do
  command -v "$c" >/dev/null || { echo "no $c: apt-get install $c" >&2; exit 2; }
done
[ "$rounds" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a number, 1 or more" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"

# The far end of the uplink: a namespace of its own, removed with lib.sh's.
CLOUD=$NS-cloud
uplink_cleanup() {
  for p in $(ip netns pids "$CLOUD" 2>/dev/null); do kill "$p" 2>/dev/null; done
  bench_cleanup
  ip netns del "$CLOUD" 2>/dev/null
}
trap uplink_cleanup EXIT
# Interrupted: leave through the EXIT trap.
trap 'exit 130' INT TERM
ip netns add "$CLOUD" || exit 2
ip netns exec "$CLOUD" ip link set lo up
ip link add ep-gw netns "$NS" type veth peer name ep-cloud netns "$CLOUD" || exit 2
ip netns exec "$NS" ip addr add 10.78.0.1/30 dev ep-gw || exit 2
ip netns exec "$CLOUD" ip addr add 10.78.0.2/30 dev ep-cloud || exit 2
ip netns exec "$NS" ip link set ep-gw up || exit 2
ip netns exec "$CLOUD" ip link set ep-cloud up || exit 2
if [ "$link" != none ]; then
  ip netns exec "$NS" tc qdisc add dev ep-gw root tbf rate "$link" burst 32kb latency 50ms ||
    { echo "cannot shape ep-gw to $link" >&2; exit 2; }
fi
# curl asks the cloud's resolver too (the profile names it for edgeprobe).
echo "nameserver 10.78.0.2" >"/etc/netns/$NS/resolv.conf"

ip netns exec "$CLOUD" dnsmasq --no-resolv --no-hosts --bind-interfaces \
  --listen-address=10.78.0.2 --port=53 -k --user=root --pid-file="$tmp/dnsmasq.pid" \
  --address=/uploads.example/10.78.0.2 --address=/api.example/10.78.0.2 \
  --local=/uploads.example/ --local=/api.example/ </dev/null >/dev/null 2>&1 &

# A test PKI: a CA and a leaf for uploads.example.
bench_pki "DNS:uploads.example"
bench_nginx "$CLOUD" 10.78.0.2 'client_max_body_size 1g; location / { return 204; }'
i=0
until ip netns exec "$CLOUD" ss -Hlnu 'src 10.78.0.2:53' | grep -q .; do
  i=$((i + 1)); [ $i -lt 200 ] || { echo "dnsmasq did not start" >&2; exit 1; }
  sleep 0.05
done

cat >"$tmp/profile.json" <<'JSON'
{"extends":"standard","dns":{"servers":["10.78.0.2"],"fallback":"none"},"https":{"targets":["api.example"]}}
JSON
url=https://uploads.example/x

# measure_out OUT STDOUT CMD...: measure, keeping the command's output.
measure_out() {
  out=$1
  keep=$2
  shift 2
  ip netns exec "$NS" "$measure_bin" "$out" "$@" >"$keep" 2>&1
}
edge() {
  measure_out "$1" "$2" "$check_edge_uplink" -P "$tmp/profile.json" --upload-url "$url" \
    --cacert "$tmp/ca.pem" --machines "$3" --upload-seconds "$seconds" -t 20
}
# curl's speed_upload is bytes/s of the body written into the socket.
curl_put() {
  measure_out "$1" "$2" curl -sS -T "$3" --limit-rate "$4" --cacert "$tmp/ca.pem" \
    -w '%{http_code} %{speed_upload}\n' "$url"
}
# A figure of check_edge_uplink's perfdata (upload_rate, upload_paced: bit/s).
perfdata() { sed -n "s/.*'$2'=\([0-9.]*\).*/\1/p" "$1"; }

# uplink_report TITLE EDGE-TIMES EDGE-RATES CURL-TIMES CURL-RATES: medians
# (wall, CPU, CPU per second of the run, max RSS, reported rate) and ratios.
uplink_report() {
  aw=$(col "$2" 1); ac=$(col "$2" 2); am=$(col "$2" 3)
  bw=$(col "$4" 1); bc=$(col "$4" 2); bm=$(col "$4" 3)
  aps=$(awk '{ print $2 / $1 }' "$2" | median); bps=$(awk '{ print $2 / $1 }' "$4" | median)
  ar=$(median <"$3"); br=$(median <"$5")
  echo "$1"
  printf '%-28s %9s %9s %11s %12s %13s\n' "" "wall s" "cpu s" "cpu s/s" "max RSS KiB" "rate kbit/s"
  printf '%-28s %9.3f %9.4f %11.6f %12d %13.1f\n' "check_edge_uplink" "$aw" "$ac" "$aps" "$am" "$ar"
  printf '%-28s %9.3f %9.4f %11.6f %12d %13.1f\n' "curl --limit-rate" "$bw" "$bc" "$bps" "$bm" "$br"
  awk -v aw="$aw" -v bw="$bw" -v ac="$ac" -v bc="$bc" -v aps="$aps" -v bps="$bps" \
    -v am="$am" -v bm="$bm" 'BEGIN {
    printf "ratio edgeprobe/curl: cpu per second %.3f  cpu %.3f  wall %.3f  max RSS %.2f\n",
      aps / bps, ac / bc, aw / bw, am / bm }'
}

ip netns exec "$NS" curl -sS -o /dev/null --cacert "$tmp/ca.pem" -T /dev/null "$url" ||
  { echo "curl cannot PUT to the local nginx" >&2; exit 1; }

for machines in 1 50 500; do
  rate=$((machines * 1000 * 4))
  bytes=$((rate * seconds / 8))
  head -c "$bytes" /dev/urandom >"$tmp/upload.bin" || exit 1
  : >"$tmp/edge.times"; : >"$tmp/edge.rates"
  : >"$tmp/curl.times"; : >"$tmp/curl.rates"
  r=0
  while [ $r -lt "$rounds" ]; do
    edge "$tmp/edge.times" "$tmp/out" "$machines"
    tail -n 1 "$tmp/edge.times" | awk '$4 != 0 { print "check_edge_uplink exited " $4 > "/dev/stderr" }'
    v=$(perfdata "$tmp/out" upload_rate)
    [ -n "$v" ] || { echo "check_edge_uplink reported no upload_rate:" >&2; cat "$tmp/out" >&2; exit 1; }
    [ "$(perfdata "$tmp/out" upload_paced)" = "$rate" ] ||
      echo "check_edge_uplink paced at $(perfdata "$tmp/out" upload_paced), not $rate bit/s" >&2
    awk -v v="$v" 'BEGIN { print v / 1000 }' >>"$tmp/edge.rates"
    curl_put "$tmp/curl.times" "$tmp/out" "$tmp/upload.bin" $((rate / 8))
    tail -n 1 "$tmp/curl.times" | awk '$4 != 0 { print "curl exited " $4 > "/dev/stderr" }'
    awk '$1 != 204 { print "curl: HTTP " $1 > "/dev/stderr" } { print $2 * 8 / 1000 }' \
      "$tmp/out" >>"$tmp/curl.rates"
    r=$((r + 1))
  done
  noun=machines; [ "$machines" -eq 1 ] && noun=machine
  uplink_report "== $machines $noun: paced at $((rate / 1000)) kbit/s, $bytes bytes in ${seconds} s, link $link (median of $rounds rounds)" \
    "$tmp/edge.times" "$tmp/edge.rates" "$tmp/curl.times" "$tmp/curl.rates"
done
