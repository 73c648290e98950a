#!/bin/sh
# A resolver behind a delaying relay: the response time reported matches
# the known delay within 20 ms, and the thresholds act on it.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
start_dnsmasq 127.0.0.53 --address=/machinemetrics.com/127.0.0.10
start_relay 127.0.0.80 127.0.0.53 300

run_dns -D 127.0.0.80 -H api.machinemetrics.com -w 0.2 -c 1 --fallback-dns none
expect_rc 1
expect_first "^EDGE DNS WARNING - api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.80 in 0\.3[0-9]*s \(over warning 0\.2\) \|"
expect_near "$(perf_value api.machinemetrics.com)" 0.300 0.020 "response time"

echo "# a slow answer past -c is CRITICAL"
run_dns -D 127.0.0.80 -H api.machinemetrics.com -w 0.1 -c 0.25 --fallback-dns none
expect_rc 2
expect_first "\(over critical 0\.25\)"

echo "# slow and fast resolvers at once: the fastest is reported"
run_dns -D 127.0.0.80 -D 127.0.0.53 -H api.machinemetrics.com --fallback-dns none
expect_rc 0
expect_first "via 127\.0\.0\.53 in 0\.0"
ep_done
