#!/bin/sh
# check_edge_https on the built-in profiles, unchanged: first with nothing
# but loopback (every packet fails at once), then with 8.8.8.8 and 8.8.4.4
# on the namespace's loopback and dnsmasq behind them mapping every seed
# domain to a local nginx whose certificate names them all.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v nginx >/dev/null || skip "needs nginx"
command -v jq >/dev/null || skip "needs jq"

standard=$(jq -r '.https.targets[]' "$EP_SRCDIR/profiles/standard.json")
govcloud=$(jq -r '.https.targets[]' "$EP_SRCDIR/profiles/govcloud.json")
n_standard=$(printf '%s\n' "$standard" | wc -l)
[ "$n_standard" = 15 ] && pass "the standard profile has 15 https targets" ||
  fail "the standard profile has $n_standard https targets, not 15"

echo "# nothing but loopback: every target fails at once, one cause named once"
run_https -t 5
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - 15 of 15 HTTPS targets: not resolved: no answer from 8\.8\.8\.8, 8\.8\.4\.4 nor fallback 127\.0\.0\.53 \(unreachable\) \|"
expect_first_shorter_than 200
expect_within 1

P="$TMP/pki"
mkdir -p "$P"
sans=""
for h in $standard $govcloud; do sans="${sans:+$sans,}DNS:$h"; done
https_ca "$P" ca "edgeprobe test CA" && https_leaf "$P" seed ca 90 "$sans" ||
  { fail "cannot make the test PKI"; ep_done; }
start_https_nginx "$(https_server 127.0.0.10 seed 'location / { return 200 "ok\n"; }')"
wait_tcp 127.0.0.10 443
ns_addr 8.8.8.8
ns_addr 8.8.4.4
zone="--address=/machinemetrics.com/127.0.0.10 --address=/balena-cloud.com/127.0.0.10
 --address=/bugsnag.com/127.0.0.10 --address=/amazonaws.com/127.0.0.10
 --address=/machinemetrics-us-gov.com/127.0.0.10"
# shellcheck disable=SC2086
start_dnsmasq 8.8.8.8 $zone
# shellcheck disable=SC2086
start_dnsmasq 8.8.4.4 $zone
TRUST="--cacert $P/ca.pem --expect-issuer edgeprobe"

echo "# standard: every target reached, resolved through 8.8.8.8 or 8.8.4.4"
run_https $TRUST -v
expect_rc 0
expect_first "^EDGE HTTPS OK - 15 HTTPS targets reachable, slowest [0-9.]+s \([a-z0-9.-]+\), certificates at least (89|90) days left \|"
for h in $standard; do
  hre=$(printf '%s' "$h" | sed 's/\./\\./g')
  expect_line "^\[OK\] $hre \(127\.0\.0\.10\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left$"
done
# (whichever of the two resolvers answered first)
expect_line "^    resolve [0-9.]+s \(8\.8\.(8\.8|4\.4)\), connect "
n=$(printf '%s\n' "$first" | grep -o "_total'=[0-9.]*s;$HTTPS_W;$HTTPS_C;0" | wc -l)
[ "$n" = 15 ] && pass "15 total-time perfdata" || fail "$n total-time perfdata, not 15"

echo "# govcloud: its own 15 targets"
run_https -P govcloud $TRUST
expect_rc 0
expect_first "^EDGE HTTPS OK - 15 HTTPS targets reachable, "
expect_line "^\[OK\] 139811071765\.dkr\.ecr\.us-gov-east-1\.amazonaws\.com \(127\.0\.0\.10\): HTTP 200 "

echo "# the test CA given but not expected: every chain outside the public web PKI"
run_https --cacert "$P/ca.pem"
expect_rc 1
expect_first "^EDGE HTTPS WARNING - 15 of 15 HTTPS targets: TLS interception suspected \(issuer: CN=edgeprobe test CA\): verified only through the --cacert CA, a CA outside the public web PKI \|"

echo "# the system store alone: every chain's issuer unknown"
run_https
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - 15 of 15 HTTPS targets: TLS interception suspected \(issuer: CN=edgeprobe test CA\) \|"

ep_done
