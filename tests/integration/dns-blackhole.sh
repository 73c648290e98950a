#!/bin/sh
# Resolvers blackholed with nftables: the fallback answering is a WARNING
# naming the blocked servers; nothing answering is CRITICAL, every name
# timed out by name, by the -t deadline.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
ns_addr 8.8.8.8
ns_addr 8.8.4.4
start_dnsmasq 8.8.8.8 --address=/machinemetrics.com/127.0.0.10
start_dnsmasq 8.8.4.4 --address=/machinemetrics.com/127.0.0.10
start_dnsmasq 127.0.0.53 --address=/machinemetrics.com/127.0.0.11
blackhole 8.8.8.8
blackhole 8.8.4.4

echo "# Google DNS blocked, the system resolver answers: WARNING"
run_dns -H api.machinemetrics.com -H app.machinemetrics.com -t 3
expect_rc 1
expect_first "^EDGE DNS WARNING - 8\.8\.8\.8, 8\.8\.4\.4 not answering, fallback answered \|"
expect_line '^\[WARNING\] api\.machinemetrics\.com resolved to 127\.0\.0\.11 via fallback 127\.0\.0\.53 in [0-9.]+s; 8\.8\.8\.8, 8\.8\.4\.4 did not answer$'
expect_within 3

echo "# one of the two blocked: WARNING naming it"
ns nft flush chain inet ep input
blackhole 8.8.4.4
run_dns -H api.machinemetrics.com -t 2
expect_rc 1
expect_first "^EDGE DNS WARNING - 8\.8\.4\.4 not answering \|"
expect_line '^\[WARNING\] api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 8\.8\.8\.8 in [0-9.]+s; 8\.8\.4\.4 did not answer$'

echo "# everything blocked: CRITICAL by the deadline, each name timed out"
blackhole 8.8.8.8
blackhole 127.0.0.53
run_dns -H api.machinemetrics.com -H app.machinemetrics.com -H cloudlink.balena-cloud.com -t 2
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 8\.8\.8\.8, 8\.8\.4\.4 not answering, fallback 127\.0\.0\.53 not answering either \|"
for n in api.machinemetrics.com app.machinemetrics.com cloudlink.balena-cloud.com; do
  expect_line "^\[CRITICAL\] $(echo $n | sed 's/\./\\./g') timed out: no answer from 8\.8\.8\.8, 8\.8\.4\.4 nor fallback 127\.0\.0\.53$"
done
expect_within 2
awk "BEGIN { exit !($elapsed >= 1.9) }" && pass "waited for the deadline (${elapsed}s)" ||
  fail "ended at ${elapsed}s, before the 2s deadline"

echo "# every resolver silent: the probes that resolve names wait, they do not spin"
# The fallback's grace once over, nothing can decide but an answer or
# c-ares's own timeout: a 3 s run must cost milliseconds of CPU, not the
# 2 s it burnt in over 250,000 zero-timeout polls.  (valgrind's own start
# costs CPU too: its limit is loose, still far below a spin.)
cpu_limit=0.3
[ -n "${EP_VALGRIND:-}" ] && cpu_limit=2.5
for c in "$CHECK_NTP -H pool.example.org" "$CHECK_NATS -H nats.example.org" \
  "$CHECK_HTTPS -H web.example.org"; do
  rm -f "$TMP/cpu" # ep-measure appends
  # shellcheck disable=SC2086
  ns "$MEASURE" "$TMP/cpu" $EP_WRAPPER $c -t 3 >/dev/null 2>&1
  read -r wall cpu _ code <"$TMP/cpu"
  [ "$code" = 2 ] && awk "BEGIN { exit !($wall >= 2.9 && $cpu < $cpu_limit) }" &&
    pass "$(basename "${c%% *}"): ${cpu}s of CPU in ${wall}s" ||
    fail "$(basename "${c%% *}"): exit $code, ${cpu}s of CPU in ${wall}s (limit ${cpu_limit}s)"
done

echo "# no fallback: CRITICAL, by the deadline"
run_dns -H api.machinemetrics.com --fallback-dns none -t 1.5
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 8\.8\.8\.8, 8\.8\.4\.4 not answering \|"
expect_within 1.5
ep_done
