#!/bin/sh
# check_edge_dns against a real dnsmasq: OK with address and response time,
# NXDOMAIN, REFUSED (dnsmasq without upstream), expected addresses, JSON.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
big=""
for i in $(seq 1 20); do big="$big --host-record=big.gov.example,18.252.130.$i"; done
# shellcheck disable=SC2086
start_dnsmasq 127.0.0.53 --address=/machinemetrics.com/127.0.0.10 \
  --address=/gov.example/18.252.129.108 --address=/bulk.example/127.0.0.20 \
  --local=/example.com/ $big

echo "# one name, resolved"
run_dns -D 127.0.0.53 -H api.machinemetrics.com
expect_rc 0
expect_first "^EDGE DNS OK - api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.53 in [0-9.]+s \| 'api\.machinemetrics\.com'=[0-9.]+s;0\.5;2;0$"
t=$(perf_value api.machinemetrics.com)
if awk "BEGIN { exit !($t > 0 && $t < 0.5) }"; then pass "response time $t > 0"
else fail "response time '$t' not above 0"; fi
expect_line '^\[OK\] api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.53'

echo "# a missing name: NXDOMAIN names the resolver"
run_dns -D 127.0.0.53 -H nosuch.example.com --fallback-dns none
expect_rc 2
expect_first "^EDGE DNS CRITICAL - nosuch\.example\.com NXDOMAIN from 127\.0\.0\.53 \| 'nosuch\.example\.com'=U;0\.5;2;0$"

echo "# a name outside dnsmasq's zones: it answers REFUSED"
run_dns -D 127.0.0.53 -H outside.org -H api.machinemetrics.com --fallback-dns none
expect_rc 2
expect_first '^EDGE DNS CRITICAL - outside\.org REFUSED from 127\.0\.0\.53 \(1 of 2 names fine\)'
expect_line '^\[CRITICAL\] outside\.org REFUSED from 127\.0\.0\.53$'
expect_line '^\[OK\] api\.machinemetrics\.com resolved to 127\.0\.0\.10'

echo "# expected addresses: matching, then not"
run_dns -D 127.0.0.53 -H api.gov.example -a 18.252.129.108 -a 18.254.70.116
expect_rc 0
expect_first '^EDGE DNS OK - api\.gov\.example resolved to 18\.252\.129\.108 via 127\.0\.0\.53'
run_dns -D 127.0.0.53 -H api.machinemetrics.com -a 18.252.129.108 -a 18.254.70.116
expect_rc 2
expect_first '^EDGE DNS CRITICAL - api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.53, expected only 18\.252\.129\.108, 18\.254\.70\.116 \|'

echo "# more addresses than can be checked against the expected ones: CRITICAL"
exp=""
for i in $(seq 1 19); do exp="$exp -a 18.252.130.$i"; done
# shellcheck disable=SC2086
run_dns -D 127.0.0.53 -H big.gov.example $exp
expect_rc 2
expect_first "^EDGE DNS CRITICAL - big\.gov\.example has more than 16 addresses: not all could be checked against the expected ones \|"

echo "# thresholds on response time: -w 0 makes any answer a WARNING"
run_dns -D 127.0.0.53 -H api.machinemetrics.com -w 0 -c 5
expect_rc 1
expect_first '^EDGE DNS WARNING - api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.53 in [0-9.]+s \(over warning 0\) \|'

echo "# JSON output carries the same results"
run_dns -D 127.0.0.53 -H api.machinemetrics.com -H nosuch.example.com \
  --fallback-dns none --format json
expect_rc 2
j=$(printf '%s' "$out" | jq -r '[.check, .state, (.exit_code|tostring), .targets[0].name, .targets[0].state, .targets[0].details.addresses[0], .targets[1].state, .targets[1].details.resolvers[0].outcome, (.targets[1].perfdata[0].value|tostring)] | join(" ")')
if [ "$j" = "dns CRITICAL 2 api.machinemetrics.com OK 127.0.0.10 CRITICAL NXDOMAIN null" ]
then pass "json: $j"; else fail "json: got '$j'"; fi

echo "# a thousand names at once: every one answered, none lost to a full socket buffer"
# (a burst of 1000 queries overflowed the receive buffers and waited for
# c-ares's retry; the resolver keeps 64 in flight per server)
names=""
for i in $(seq 1 1000); do names="$names -H n$i.bulk.example"; done
nsstat() { ns sed -n 's/^Udp: \([0-9].*\)/\1/p' /proc/net/snmp | awk '{ print $5 }'; }
drops=$(nsstat)
# shellcheck disable=SC2086
run_dns -D 127.0.0.53 --fallback-dns none -t 20 $names
expect_rc 0
expect_first "^EDGE DNS OK - 1000 names resolved "
[ "$(nsstat)" = "$drops" ] && pass "no datagram dropped for a full receive buffer" ||
  fail "receive buffer errors: $drops before, $(nsstat) after"
expect_within 3

echo "# -I: an interface name and an address on it"
run_dns -D 127.0.0.53 -H api.machinemetrics.com -I lo
expect_rc 0
run_dns -D 127.0.0.53 -H api.machinemetrics.com -I 127.0.0.1
expect_rc 0
ep_done
