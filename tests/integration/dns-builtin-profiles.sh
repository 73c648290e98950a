#!/bin/sh
# The built-in profiles, unchanged: 8.8.8.8 and 8.8.4.4 live on the
# namespace's loopback with dnsmasq behind them, so no packet leaves.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup

echo "# nothing but loopback: every packet fails at once"
run_dns -t 5
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 8\.8\.8\.8, 8\.8\.4\.4 not answering \(network unreachable\), fallback 127\.0\.0\.53 not answering either \(port unreachable: nothing listening\) \|"
expect_line '^\[CRITICAL\] api\.machinemetrics\.com not resolved: no answer from 8\.8\.8\.8, 8\.8\.4\.4 nor fallback 127\.0\.0\.53 \(unreachable\)$'
expect_within 1

ns_addr 8.8.8.8
ns_addr 8.8.4.4
seed_zone="--address=/machinemetrics.com/127.0.0.10 --address=/balena-cloud.com/127.0.0.11
 --address=/bugsnag.com/127.0.0.12 --address=/amazonaws.com/127.0.0.13
 --address=/pool.ntp.org/127.0.0.14"
gov="api.balena ca.balena cloudlink.balena logs.balena ocsp.balena registry2.balena s3.balena tunnel.balena"
gov_zone="--host-record=app.machinemetrics-us-gov.com,127.0.0.15"
for h in api stream; do
  for a in 18.252.129.108 18.254.70.116 182.30.131.220; do
    gov_zone="$gov_zone --host-record=$h.machinemetrics-us-gov.com,$a"
  done
done
for h in $gov; do
  gov_zone="$gov_zone --host-record=$h.machinemetrics-us-gov.com,18.253.182.20"
done
# shellcheck disable=SC2086
start_dnsmasq 8.8.8.8 $seed_zone $gov_zone
# shellcheck disable=SC2086
start_dnsmasq 8.8.4.4 $seed_zone $gov_zone

echo "# standard: every seed name through both Google resolvers"
run_dns
expect_rc 0
expect_first "^EDGE DNS OK - 19 names resolved \|"
for n in api.machinemetrics.com app.machinemetrics.com cloudlink.balena-cloud.com \
  notify.bugsnag.com 352302322568.dkr.ecr.us-west-2.amazonaws.com \
  prod-us-west-2-starport-layer-bucket.s3.us-west-2.amazonaws.com \
  0.resinio.pool.ntp.org 3.resinio.pool.ntp.org; do
  expect_line "^\[OK\] $(echo $n | sed 's/\./\\./g') resolved to 127\.0\.0\.1[0-9] via 8\.8\.(8\.8|4\.4) in [0-9.]+s$"
done
labels=$(printf '%s\n' "$first" | grep -o "'[^']*'=" | wc -l)
[ "$labels" = 19 ] && pass "19 perfdata labels" || fail "$labels perfdata labels, expected 19"
# Each answer is timed from its own query to its own arrival: 19 names
# asked of two resolvers at once do not share one figure (as they did
# when every answer read in one loop pass got that pass's time).
distinct=$(printf '%s\n' "$first" | grep -o "'[^']*'=[0-9.]*" | sed 's/.*=//' | sort -u | wc -l)
[ "$distinct" -ge 3 ] && pass "$distinct different response times over 19 names" ||
  fail "only $distinct different response times over 19 names: $first"
run_dns --format json
distinct=$(printf '%s\n' "$out" | jq '[.targets[].details.resolvers[] | select(.seconds != null) | .seconds] | unique | length')
total=$(printf '%s\n' "$out" | jq '[.targets[].details.resolvers[] | select(.seconds != null)] | length')
[ "$total" -ge 38 ] && [ "$distinct" -ge $((total / 2)) ] &&
  pass "$distinct different figures over $total answers (per name and per resolver)" ||
  fail "$distinct different figures over $total answers"

echo "# govcloud: static addresses as the seed lists them"
run_dns -P govcloud
expect_rc 0
expect_first "^EDGE DNS OK - 20 names resolved \|"
expect_line '^\[OK\] api\.machinemetrics-us-gov\.com resolved to (18\.252\.129\.108|18\.254\.70\.116|182\.30\.131\.220)(, (18\.252\.129\.108|18\.254\.70\.116|182\.30\.131\.220)){2} via '
expect_line '^\[OK\] tunnel\.balena\.machinemetrics-us-gov\.com resolved to 18\.253\.182\.20 via '

echo "# govcloud: a name moved off its static address is CRITICAL"
kill "$(cat "$TMP/dnsmasq-8.8.4.4.pid")"
kill "$(cat "$TMP/dnsmasq-8.8.8.8.pid")"
sleep 0.2
moved=$(echo "$gov_zone" | sed 's/ocsp.balena.machinemetrics-us-gov.com,18.253.182.20/ocsp.balena.machinemetrics-us-gov.com,52.1.2.3/')
# shellcheck disable=SC2086
start_dnsmasq 8.8.8.8 $seed_zone $moved
# shellcheck disable=SC2086
start_dnsmasq 8.8.4.4 $seed_zone $moved
run_dns -P govcloud
expect_rc 2
expect_first "^EDGE DNS CRITICAL - ocsp\.balena\.machinemetrics-us-gov\.com resolved to 52\.1\.2\.3 via 8\.8\.8\.8, 8\.8\.4\.4, expected only 18\.253\.182\.20 \(19 of 20 names fine\) \|"

echo "# Google DNS blocked: the system resolver of the namespace answers"
blackhole 8.8.8.8
blackhole 8.8.4.4
# shellcheck disable=SC2086
start_dnsmasq 127.0.0.53 $seed_zone
run_dns -t 2
expect_rc 1
expect_first "^EDGE DNS WARNING - 8\.8\.8\.8, 8\.8\.4\.4 not answering, fallback answered \|"
expect_line '^\[WARNING\] notify\.bugsnag\.com resolved to 127\.0\.0\.12 via fallback 127\.0\.0\.53 in [0-9.]+s; 8\.8\.8\.8, 8\.8\.4\.4 did not answer$'
expect_within 2
ep_done
