#!/bin/sh
# Broken resolvers: SERVFAIL, REFUSED, other addresses than expected, and a
# resolver whose port is closed; each named in the message.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
start_responder 127.0.0.61 servfail
start_responder 127.0.0.62 refused
start_responder 127.0.0.63 answer -a 10.99.0.1 -a 10.99.0.2
start_dnsmasq 127.0.0.53 --address=/machinemetrics.com/127.0.0.10

echo "# SERVFAIL"
run_dns -D 127.0.0.61 -H api.machinemetrics.com --fallback-dns none
expect_rc 2
expect_first "^EDGE DNS CRITICAL - api\.machinemetrics\.com SERVFAIL from 127\.0\.0\.61 \|"

echo "# REFUSED, the resolver named as refusing"
run_dns -D 127.0.0.62 -H api.machinemetrics.com -H app.machinemetrics.com \
  --fallback-dns none
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 127\.0\.0\.62 refuses queries \|"
expect_line '^\[CRITICAL\] app\.machinemetrics\.com REFUSED from 127\.0\.0\.62$'

echo "# REFUSED from one configured resolver is CRITICAL even when another answers"
run_dns -D 127.0.0.53 -D 127.0.0.62 -H api.machinemetrics.com --fallback-dns none
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 127\.0\.0\.62 refuses queries \|"
expect_line '^\[CRITICAL\] api\.machinemetrics\.com REFUSED from 127\.0\.0\.62, while 127\.0\.0\.53 resolved it to 127\.0\.0\.10$'

echo "# other addresses than expected: CRITICAL naming what was seen, after"
echo "# the cause: this resolver answers every name, even one that cannot exist"
run_dns -D 127.0.0.63 -H api.machinemetrics-us-gov.com -a 18.252.129.108 \
  -a 18.254.70.116 -a 182.30.131.220
expect_rc 2
expect_first "^EDGE DNS CRITICAL - resolver 127\.0\.0\.63 rewrites NXDOMAIN \(captive portal or ISP redirect\): a name under \.invalid resolved to 10\.99\.0\.1, 10\.99\.0\.2; api\.machinemetrics-us-gov\.com resolved to 10\.99\.0\.1, 10\.99\.0\.2 via 127\.0\.0\.63, expected only 18\.252\.129\.108, 18\.254\.70\.116, 182\.30\.131\.220 \|"

echo "# one expected address among others that are not: still CRITICAL"
run_dns -D 127.0.0.63 -H x.example -a 10.99.0.1
expect_rc 2
expect_first "resolved to 10\.99\.0\.1, 10\.99\.0\.2 via 127\.0\.0\.63, expected only 10\.99\.0\.1 \|"

echo "# a resolver silent for every name is said once; a name no resolver answers is said too"
start_dnsmasq 127.0.0.54 --address=/machinemetrics.com/127.0.0.10 --server=/slow.example/127.0.0.99
blackhole 127.0.0.64
blackhole 127.0.0.99
run_dns -D 127.0.0.64 -D 127.0.0.54 -H api.machinemetrics.com -H x.slow.example --fallback-dns none -t 2
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 127\.0\.0\.64 not answering; x\.slow\.example timed out: no answer from 127\.0\.0\.64, 127\.0\.0\.54 \|"
expect_line '^\[WARNING\] api\.machinemetrics\.com resolved to 127\.0\.0\.10 via 127\.0\.0\.54 in [0-9.]+s; 127\.0\.0\.64 did not answer$'

echo "# a resolver with nothing listening: unreachable, at once"
run_dns -D 127.0.0.70 -H api.machinemetrics.com --fallback-dns none -t 5
expect_rc 2
expect_first "^EDGE DNS CRITICAL - 127\.0\.0\.70 not answering \(port unreachable: nothing listening\) \|"
expect_line '^\[CRITICAL\] api\.machinemetrics\.com not resolved: no answer from 127\.0\.0\.70 \(port unreachable: nothing listening\)$'
expect_within 1
ep_done
