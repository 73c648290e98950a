#!/bin/sh
# A path MTU blackhole: the gateway (the test's namespace) reaches the
# servers (nginx, and nats-server with TLS) through a router namespace
# whose link towards the gateway has a 1280-byte MTU, and whose nftables
# drops the ICMP "fragmentation needed" that would tell the servers.  TCP
# connects, the ClientHello gets out, the servers' full-size certificate
# flight never arrives: curl alone hangs.  The checks try once more with
# 536-byte segments and name the blackhole; with the ICMP let through, the
# same path works and nothing is named.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx nats-server nft curl; do
  command -v $c >/dev/null || skip "needs $c"
done
extra_ns rt || skip "cannot create a namespace"
extra_ns srv || skip "cannot create a namespace"
in_rt() { ip netns exec "$NS-rt" "$@"; }
in_srv() { ip netns exec "$NS-srv" "$@"; }
ip link add g0 netns "$NS" type veth peer name r0 netns "$NS-rt" &&
  ip link add r1 netns "$NS-rt" type veth peer name s0 netns "$NS-srv" ||
  skip "cannot create veth pairs"
ns ip addr add 10.79.0.1/30 dev g0
ns ip link set g0 up
ns ip route add 10.79.1.0/30 via 10.79.0.2
in_rt ip addr add 10.79.0.2/30 dev r0
in_rt ip link set r0 mtu 1280 up
in_rt ip addr add 10.79.1.1/30 dev r1
in_rt ip link set r1 up
in_rt sysctl -qw net.ipv4.ip_forward=1
in_srv ip addr add 10.79.1.2/30 dev s0
in_srv ip link set s0 up
in_srv ip route add 10.79.0.0/30 via 10.79.1.1

P="$TMP/pki"
mkdir -p "$P"
# The whole chain is sent: the servers' first flight is well over 1280.
https_ca "$P" ca "edgeprobe test CA" &&
  https_leaf "$P" mtu ca 90 "DNS:mtu.example,IP:10.79.1.2" &&
  cat "$P/mtu.pem" "$P/ca.pem" >"$P/chain.pem" && cp "$P/mtu.key" "$P/chain.key" ||
  { fail "cannot make the test PKI"; ep_done; }
start_https_nginx "$(https_server 10.79.1.2 chain 'location / { return 200 "ok\n"; }')" in_srv
in_srv nats-server -a 10.79.1.2 -p 7422 --tls --tlscert "$P/chain.pem" \
  --tlskey "$P/mtu.key" -l "$TMP/nats.log" </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 10.79.1.2 443 in_srv && wait_tcp 10.79.1.2 7422 in_srv || { fail "servers did not start"; ep_done; }

HTTPS="-H 10.79.1.2 --cacert $P/ca.pem --expect-issuer edgeprobe -t 5"
NATS="-H 10.79.1.2:7422 --cacert $P/ca.pem -t 5"

echo "# the router drops ICMP fragmentation-needed: a blackhole"
in_rt nft add table inet ep
in_rt nft add chain inet ep out '{ type filter hook output priority filter; policy accept; }'
in_rt nft add rule inet ep out icmp type destination-unreachable icmp code frag-needed counter drop
if ns curl -s -o /dev/null -m 2 --cacert "$P/ca.pem" https://10.79.1.2/; then
  fail "curl got through: no blackhole to find"
else
  pass "curl alone hangs in the handshake (exit $?)"
fi
run_https $HTTPS
expect_rc 2
expect_first '^EDGE HTTPS CRITICAL - 10\.79\.1\.2: path MTU blackhole suspected: large packets from the server are dropped \(the handshake completes with 536-byte segments\) \|'
expect_within 4
run_https $HTTPS --format json
j=$(printf '%s' "$out" | jq -r '[.targets[0].cause, .targets[0].details.retried, .targets[0].details.http_status] | map(tostring) | join(" ")')
[ "$j" = "path.mtu_blackhole small_mss 200" ] && pass "JSON: $j" || fail "JSON: $j from $out"
run_nats $NATS
expect_rc 2
expect_first '^EDGE NATS CRITICAL - 10\.79\.1\.2:7422: path MTU blackhole suspected: large packets from the server are dropped \(the handshake completes with 536-byte segments\) \|'
expect_line '^\[CRITICAL\] 10\.79\.1\.2:7422 path MTU blackhole suspected: .*: PONG in [0-9.]+s$'

drops=$(in_rt nft list chain inet ep out | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
[ "${drops:-0}" -gt 0 ] && pass "the router dropped $drops ICMP frag-needed" ||
  fail "the router dropped no ICMP: nothing was blackholed"

echo "# check_edge names it once for both checks"
cat >"$TMP/site.json" <<JSON
{ "dns": { "servers": ["127.0.0.53"], "fallback": "none", "names": [] },
  "https": { "targets": ["10.79.1.2"], "cacert": "$P/ca.pem", "expect_issuers": ["edgeprobe"] },
  "nats": { "targets": ["10.79.1.2:7422"] } }
JSON
run_edge -P "$TMP/site.json" -t 5 --cacert "$P/ca.pem"
expect_rc 2
expect_first '^EDGE CHECKLIST CRITICAL - path MTU blackhole suspected: large packets from the server are dropped \(the handshake completes with 536-byte segments\) \(HTTPS and NATS, 2 targets\) \|'

echo "# the ICMP let through: path MTU discovery works, nothing is named"
in_rt nft flush ruleset
in_srv ip route flush cache
run_https $HTTPS -v
expect_rc 0
expect_no_line 'blackhole'
run_https $HTTPS --format json
j=$(printf '%s' "$out" | jq -r '[.state, (.targets[0].details.retried|tostring)] | join(" ")')
[ "$j" = "OK null" ] && pass "JSON: $j" || fail "JSON: $j"
run_nats $NATS
expect_rc 0
expect_no_line 'blackhole'
echo "# the PONG's round trip is the path's: never shorter than TCP's own"
echo "# (a PONG back before SSL_write() returned, or read with a session"
echo "# ticket that woke the loop, was once timed in microseconds)"
# (Twenty runs: the early PONG came in about one run of four.)
short=0
runs=20
[ -n "${EP_VALGRIND:-}" ] && runs=5
for i in $(seq 1 $runs); do
  run_nats $NATS
  c=$(perf_value 10.79.1.2:7422_connect)
  r=$(perf_value 10.79.1.2:7422_rtt)
  awk "BEGIN { exit !($r >= $c) }" || { short=$((short + 1)); echo "# run $i: rtt $r < connect $c"; }
done
[ "$short" = 0 ] && pass "$runs PONG round trips, none shorter than the TCP handshake's" ||
  fail "$short of $runs PONG round trips shorter than the TCP handshake's"
echo "# a server slow to answer the ClientHello (1.6 s), no blackhole: the"
echo "# second attempt is as slow, and nothing is named"
cat >"$TMP/slow-relay.py" <<'PY'
import asyncio, sys

async def pipe(r, w, delay):
    first = True
    while True:
        data = await r.read(65536)
        if not data:
            break
        if first and delay:
            await asyncio.sleep(delay)
        first = False
        w.write(data)
        await w.drain()
    w.close()

async def handle(cr, cw):
    sr, sw = await asyncio.open_connection("10.79.1.2", 443)
    await asyncio.gather(pipe(cr, sw, 0), pipe(sr, cw, 1.6),
                         return_exceptions=True)

async def main():
    server = await asyncio.start_server(handle, "127.0.0.81", 443)
    async with server:
        await server.serve_forever()

asyncio.run(main())
PY
ns_addr 127.0.0.81
ns /usr/bin/python3 "$TMP/slow-relay.py" </dev/null >"$TMP/slow-relay.log" 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 127.0.0.81 443
start_dnsmasq 127.0.0.53 --host-record=mtu.example,127.0.0.81 --local=/example/
run_https -D 127.0.0.53 --fallback-dns none -H mtu.example --cacert "$P/ca.pem" \
  --expect-issuer edgeprobe -w 5 -c 9 -t 8 --format json
j=$(printf '%s' "$out" | jq -r '[.state, (.targets[0].cause|tostring), .targets[0].details.retried, .targets[0].details.http_status] | map(tostring) | join(" ")')
[ "$j" = "OK null small_mss 200" ] && pass "slow, not blackholed: $j" || fail "JSON: $j from $out"
ep_done
