#!/bin/sh
# Resolvers that lie: dnsmasq with an --address wildcard answers every name,
# even a random one under .invalid (RFC 6761), as a captive portal or an
# ISP's redirect does; an honest dnsmasq beside it is not named.  DNSSEC:
# dnsmasq forwarding with --proxy-dnssec to our responder, which sets the
# AD bit (-s) or not, tells whether the resolver validates.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v dnsmasq >/dev/null || skip "needs dnsmasq"
start_dnsmasq 127.0.0.53 --address=/machinemetrics.com/127.0.0.10 --log-queries
start_dnsmasq 127.0.0.54 --address=/machinemetrics.com/127.0.0.10 \
  --address=/#/127.0.0.66 --log-queries
start_responder 127.0.0.65 nxdomain -s
start_responder 127.0.0.67 nxdomain
start_dnsmasq 127.0.0.55 --address=/machinemetrics.com/127.0.0.10 \
  --server=127.0.0.65 --proxy-dnssec
start_dnsmasq 127.0.0.56 --address=/machinemetrics.com/127.0.0.10 \
  --server=127.0.0.67 --proxy-dnssec

echo "# an honest resolver: NXDOMAIN for the .invalid name, nothing said"
run_dns -D 127.0.0.53 -H api.machinemetrics.com --fallback-dns none -v
expect_rc 0
expect_first '^EDGE DNS OK - api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.53 in [0-9.]+s \|'
expect_no_line 'rewrites'
if grep -Eq 'query\[A\] ep-[0-9a-f]{16}\.invalid from 127\.0\.0\.1' "$TMP/dnsmasq-127.0.0.53.log"; then
  pass "the .invalid name was asked on the wire"
else
  fail "dnsmasq logged no .invalid query: $(tail -n 5 "$TMP/dnsmasq-127.0.0.53.log")"
fi

echo "# a wildcard resolver: WARNING, named first, the random name in -v"
run_dns -D 127.0.0.54 -H api.machinemetrics.com --fallback-dns none -v
expect_rc 1
expect_first '^EDGE DNS WARNING - resolver 127\.0\.0\.54 rewrites NXDOMAIN \(captive portal or ISP redirect\): a name under \.invalid resolved to 127\.0\.0\.66; api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.54 in [0-9.]+s \|'
expect_line '^\[WARNING\] resolver 127\.0\.0\.54 rewrites NXDOMAIN \(captive portal or ISP redirect\): a name under \.invalid resolved to 127\.0\.0\.66$'
expect_line '^    asked ep-[0-9a-f]{16}\.invalid, which cannot exist \(RFC 6761\)$'
expect_line '^\[OK\] api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.54'

echo "# a name it sends to the portal says so on its line"
run_dns -D 127.0.0.54 -H nosuch.example.org --fallback-dns none
expect_rc 1
expect_line '^\[OK\] nosuch\.example\.org resolved to 127\.0\.0\.66 via 127\.0\.0\.54 in [0-9.]+s \(where resolver 127\.0\.0\.54 sends names that do not exist\)$'

echo "# JSON: the resolver's row, its code and the portal's address"
run_dns -D 127.0.0.53 -D 127.0.0.54 -H api.machinemetrics.com --fallback-dns none --format json
expect_rc 1
j=$(printf '%s' "$out" | jq -r '[.state, (.targets | length), .targets[1].name, .targets[1].cause, .targets[1].details.resolver, .targets[1].details.addresses[0], (.targets[1].details.nxdomain_rewrite|tostring), (.targets[1].details.dnssec_validated|tostring), (.targets[1].details.invalid_name | test("^ep-[0-9a-f]{16}\\.invalid$") | tostring)] | join(" ")')
if [ "$j" = "WARNING 2 resolver 127.0.0.54 dns.nxdomain_rewrite 127.0.0.54 127.0.0.66 true null true" ]; then
  pass "JSON: $j"
else
  fail "JSON: '$j' from $out"
fi

echo "# the fallback's lie counts once every configured resolver is silent"
ns_addr 127.0.0.97
ns nft add table inet ep
ns nft add chain inet ep input '{ type filter hook input priority filter; policy accept; }'
ns nft add rule inet ep input ip daddr 127.0.0.97 udp dport 53 drop
run_dns -D 127.0.0.97 -H api.machinemetrics.com --fallback-dns 127.0.0.54 -t 2
expect_rc 1
expect_first '^EDGE DNS WARNING - resolver 127\.0\.0\.54 rewrites NXDOMAIN \(captive portal or ISP redirect\): a name under \.invalid resolved to 127\.0\.0\.66; 127\.0\.0\.97 not answering, fallback answered'
echo "# ... and not while a configured resolver answers"
run_dns -D 127.0.0.53 -H api.machinemetrics.com --fallback-dns 127.0.0.54
expect_rc 0
expect_no_line 'rewrites'

echo "# DNSSEC, asked: a validating resolver is a note, one that is not a WARNING"
run_dns -D 127.0.0.55 -H api.machinemetrics.com --fallback-dns none --dnssec
expect_rc 0
expect_line '^resolver 127\.0\.0\.55 validates DNSSEC \(AD bit on the root zone.s SOA\)$'
run_dns -D 127.0.0.55 -D 127.0.0.56 -H api.machinemetrics.com --fallback-dns none --dnssec
expect_rc 1
expect_first '^EDGE DNS WARNING - resolver 127\.0\.0\.56 does not validate DNSSEC \(no AD bit on the root zone.s SOA\); api\.machinemetrics\.com resolved'
expect_line '^\[WARNING\] resolver 127\.0\.0\.56 does not validate DNSSEC'
expect_no_line '^\[WARNING\] resolver 127\.0\.0\.55'
run_dns -D 127.0.0.56 -H api.machinemetrics.com --fallback-dns none --format json --dnssec
j=$(printf '%s' "$out" | jq -r '[.targets[1].cause, (.targets[1].details.dnssec_validated|tostring), (.targets[1].details.nxdomain_rewrite|tostring)] | join(" ")')
[ "$j" = "dns.no_dnssec false false" ] && pass "JSON: $j" || fail "JSON: '$j' from $out"
echo "# not asked: nothing said about DNSSEC"
run_dns -D 127.0.0.56 -H api.machinemetrics.com --fallback-dns none
expect_rc 0
expect_no_line 'DNSSEC'
echo "# a resolver without upstream cannot give the root's SOA: not known, no WARNING"
run_dns -D 127.0.0.53 -H api.machinemetrics.com --fallback-dns none --dnssec
expect_rc 0
expect_line '^resolver 127\.0\.0\.53: DNSSEC validation not known \(the root zone.s SOA: REFUSED\)$'

echo "# the profile's dns.dnssec does what --dnssec does"
cat >"$TMP/dnssec.json" <<JSON
{ "extends": "standard", "dns": { "servers": ["127.0.0.56"], "fallback": "none",
  "names": [{ "name": "api.machinemetrics.com" }], "dnssec": true } }
JSON
jq '.dns.dnssec = "yes"' "$TMP/dnssec.json" >"$TMP/bad.json"
run_dns -P "$TMP/dnssec.json" -H api.machinemetrics.com
expect_rc 1
expect_line '^\[WARNING\] resolver 127\.0\.0\.56 does not validate DNSSEC'
run_dns -P "$TMP/bad.json"
expect_rc 3
expect_first 'dns\.dnssec'
ep_done
