#!/bin/sh
# IPv6 broken beside working IPv4.  The gateway (the test's namespace)
# reaches nginx in a server namespace over one veth that carries both
# families, and its dnsmasq gives cloud.example an A and an AAAA record.
# With both paths open, the target is tried over each and is OK.  With
# nftables dropping IPv6 to port 443, `curl -6` hangs while `curl -4`
# works; check_edge_https says "IPv6 path broken (IPv4 works)", a WARNING,
# and check_edge leads with it.  A name without AAAA, a host without a
# route to the address, and a host without a global IPv6 address try no
# IPv6 and name nothing.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx dnsmasq nft curl jq; do
  command -v $c >/dev/null || skip "needs $c"
done
extra_ns srv || skip "cannot create a namespace"
in_srv() { ip netns exec "$NS-srv" "$@"; }
ip link add g0 netns "$NS" type veth peer name s0 netns "$NS-srv" ||
  skip "cannot create a veth pair"
ns ip addr add 10.80.0.1/30 dev g0
ns ip link set g0 up
in_srv ip addr add 10.80.0.2/30 dev s0
in_srv ip link set s0 up
ns ip addr add 2001:db8:80::1/64 dev g0 nodad &&
  in_srv ip addr add 2001:db8:80::2/64 dev s0 nodad &&
  in_srv ip addr add 2001:db8:80::3/64 dev s0 nodad ||
  skip "no IPv6 in namespaces"

P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" &&
  https_leaf "$P" cloud ca 90 "DNS:cloud.example,DNS:v4only.example,DNS:other.example" &&
  https_leaf "$P" wrong ca 90 "DNS:elsewhere.example" ||
  { fail "cannot make the test PKI"; ep_done; }
start_https_nginx "$(https_server 10.80.0.2 cloud 'location / { return 200 "ok\n"; }')
$(https_server '[2001:db8:80::2]' cloud 'location / { return 200 "ok\n"; }')
$(https_server '[2001:db8:80::3]' wrong 'location / { return 200 "ok\n"; }')" in_srv
wait_tcp 10.80.0.2 443 in_srv && wait_tcp '[2001:db8:80::2]' 443 in_srv ||
  { fail "nginx did not start"; ep_done; }
ns_addr 127.0.0.53
start_dnsmasq 127.0.0.53 --local=/example/ --log-queries \
  --host-record=cloud.example,10.80.0.2,2001:db8:80::2 \
  --host-record=v4only.example,10.80.0.2 \
  --host-record=other.example,10.80.0.2,2001:db8:80::3
HTTPS="-D 127.0.0.53 --fallback-dns none --cacert $P/ca.pem --expect-issuer edgeprobe"
# The deadline that a silent IPv6 attempt runs into.
T=$(ep_deadline 3)

echo "# both families open: tried over each, OK"
run_https $HTTPS -H cloud.example -v
expect_rc 0
expect_first '^EDGE HTTPS OK - cloud\.example \(10\.80\.0\.2\): HTTP 200 in '
expect_line '^ *IPv6 \[2001:db8:80::2\]: HTTP 200 in [0-9.]+s$'
run_https $HTTPS -H cloud.example --format json
j=$(printf '%s' "$out" | jq -r '[.state, .targets[0].details.address, .targets[0].details.ipv6.address, .targets[0].details.ipv6.reachable, .targets[0].details.ipv6.http_status] | map(tostring) | join(" ")')
[ "$j" = "OK 10.80.0.2 2001:db8:80::2 true 200" ] && pass "JSON: $j" || fail "JSON: $j from $out"

echo "# over IPv6 another server, with a certificate for another name: the"
echo "# server's fault, not the path's"
run_https $HTTPS -H other.example --format json
j=$(printf '%s' "$out" | jq -r '[.state, .targets[0].cause, .targets[0].details.ipv6.reachable] | map(tostring) | join(" ")')
[ "$j" = "WARNING tls.wrong_name false" ] && pass "JSON: $j" || fail "JSON: $j from $out"
run_https $HTTPS -H other.example
expect_first '^EDGE HTTPS WARNING - other\.example: over IPv6 \[2001:db8:80::3\]:443: certificate for the wrong name \(CN=wrong\.example, not other\.example\) \|'

echo "# IPv6 to port 443 dropped: IPv4 works, IPv6 is named broken"
ns nft add table inet ep
ns nft add chain inet ep out '{ type filter hook output priority filter; policy accept; }'
ns nft add rule inet ep out meta nfproto ipv6 tcp dport 443 counter drop
if ns curl -s -o /dev/null -m 1 -6 --cacert "$P/ca.pem" --resolve "cloud.example:443:[2001:db8:80::2]" https://cloud.example/; then
  fail "curl -6 got through: IPv6 is not broken"
else
  pass "curl -6 alone fails (exit $?)"
fi
ns curl -s -o /dev/null -m 2 -4 --cacert "$P/ca.pem" --resolve "cloud.example:443:10.80.0.2" https://cloud.example/ &&
  pass "curl -4 works" || fail "curl -4 failed too: IPv4 is broken"
run_https $HTTPS -H cloud.example -t $T
expect_rc 1
expect_first '^EDGE HTTPS WARNING - cloud\.example: IPv6 path broken \(IPv4 works\): \[2001:db8:80::2\]:443: timed out connecting \(no answer to SYN: filtered\?\) \|'
expect_line '^\[WARNING\] cloud\.example \(10\.80\.0\.2\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left; IPv6 path broken \(IPv4 works\): \[2001:db8:80::2\]:443: timed out connecting \(no answer to SYN: filtered\?\)$'
expect_within $T
run_https $HTTPS -H cloud.example -H v4only.example -t $T --format json
j=$(printf '%s' "$out" | jq -r '[.state, .targets[0].cause, .targets[0].details.ipv6.tried, .targets[0].details.ipv6.reachable, .targets[1].state, .targets[1].details.ipv6.tried] | map(tostring) | join(" ")')
[ "$j" = "WARNING path.ipv6_broken true false OK false" ] && pass "JSON: $j" || fail "JSON: $j from $out"
j=$(printf '%s' "$out" | jq -r '.targets[1].details.ipv6.not_tried_because')
[ "$j" = "no AAAA record: no address (NODATA) from 127.0.0.53" ] &&
  pass "a name without AAAA: $j" || fail "a name without AAAA: $j"
drops=$(ns nft list chain inet ep out | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
[ "${drops:-0}" -gt 0 ] && pass "nftables dropped $drops IPv6 packets to 443" ||
  fail "nftables dropped nothing: IPv6 was not tried"

echo "# check_edge leads with it"
cat >"$TMP/site.json" <<JSON
{ "dns": { "servers": ["127.0.0.53"], "fallback": "none", "names": [] },
  "https": { "targets": ["cloud.example"], "cacert": "$P/ca.pem", "expect_issuers": ["edgeprobe"] } }
JSON
run_edge -P "$TMP/site.json" -t $T
expect_rc 1
expect_first '^EDGE CHECKLIST WARNING - IPv6 path broken \(IPv4 works\): \[2001:db8:80::2\]:443: timed out connecting \(no answer to SYN: filtered\?\) \(HTTPS, 1 target\) \|'

echo "# no route to the AAAA address: IPv6 not tried, nothing named"
ns ip -6 addr del 2001:db8:80::1/64 dev g0
ns ip -6 addr add 2001:db8:99::1/64 dev g0 nodad
run_https $HTTPS -H cloud.example -t $T -v
expect_rc 0
expect_line '^ *IPv6 not tried: no route: network unreachable$'
expect_no_line 'IPv6 path broken'

echo "# no global IPv6 address at all: no AAAA asked"
ns ip -6 addr del 2001:db8:99::1/64 dev g0
before=$(grep -c 'query\[AAAA\]' "$TMP/dnsmasq-127.0.0.53.log")
run_https $HTTPS -H cloud.example --format json
after=$(grep -c 'query\[AAAA\]' "$TMP/dnsmasq-127.0.0.53.log")
j=$(printf '%s' "$out" | jq -r '[.state, (.targets[0].details | has("ipv6")), .targets[0].details.ipv6] | map(tostring) | join(" ")')
[ "$j" = "OK true null" ] && pass "JSON: $j" || fail "JSON: $j from $out"
[ "$before" -gt 0 ] && [ "$after" = "$before" ] &&
  pass "no AAAA query without a global IPv6 address ($before before)" ||
  fail "AAAA queries: $before before, $after after"
ep_done
