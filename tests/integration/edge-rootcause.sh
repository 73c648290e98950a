#!/bin/sh
# check_edge's root causes, each made to happen with real servers in the
# vendor's world (seed_world): a name that does not resolve, this host's
# clock a year ahead (libfaketime), a proxy that refuses; and a deadline
# kept with one blackholed target of each kind.  Each asserts the first
# line, where the cause must be named once.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx nats-server chronyd dnsmasq jq unshare tinyproxy; do
  command -v $c >/dev/null || skip "needs $c"
done
seed_world || ep_done
restart_dns() {
  stop_pidfile "$TMP/dnsmasq-8.8.8.8.pid"
  stop_pidfile "$TMP/dnsmasq-8.8.4.4.pid"
  # shellcheck disable=SC2086
  start_dnsmasq 8.8.8.8 "$@" $SEED_ZONE
  # shellcheck disable=SC2086
  start_dnsmasq 8.8.4.4 "$@" $SEED_ZONE
}

echo "# a name that does not resolve explains its HTTPS failure"
restart_dns --address=/api.machinemetrics.com/
run_public "$CHECK_EDGE"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - api\.machinemetrics\.com NXDOMAIN from 8\.8\.8\.8, 8\.8\.4\.4: its HTTPS check fails \|"
expect_line "^\[CRITICAL\] HTTPS: api\.machinemetrics\.com: not resolved: NXDOMAIN from 8\.8\.8\.8 \(1 of 15 failing; root cause: dns\.name\)$"
restart_dns

echo "# this host's clock a year ahead: the certificates look expired, for that reason"
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [ -n "$lib" ]; then
  # (ASan wants its runtime first; libfaketime comes before it here.)
  clock="LD_PRELOAD=$lib FAKETIME=+365d FAKETIME_DONT_FAKE_MONOTONIC=1"
  [ -n "$EP_SANITIZED" ] &&
    clock="$clock ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
  EP_RUN_ENV=$clock
  run_public "$CHECK_EDGE" --format json
  EP_RUN_ENV=""
  printf '%s\n' "$out" | jq -e '.state == "CRITICAL" and .causes[0].code == "clock.off"
    and ([.checks.https.targets[] | select(.cause == "tls.expired" and .root_cause == "clock.off")] | length) == 15' \
    >/dev/null && pass "JSON: 15 expired chains, explained by the clock" || fail "JSON: $out"
  EP_RUN_ENV=$clock
  run_public "$CHECK_EDGE"
  EP_RUN_ENV=""
  expect_rc 2
  expect_first "^EDGE CHECKLIST CRITICAL - this host's clock is 365 days ahead \(NTP offset -3153[0-9]{4}(\.[0-9]+)?s\): certificates look expired \(15 targets\) \|"
  offset=$(printf '%s\n' "$first" | sed -n "s/.*'ntp_offset'=\(-[0-9.]*\)s.*/\1/p")
  expect_near "$offset" -31536000 1 "NTP offset with the clock a year ahead"
else
  fail "no libfaketime"
fi

echo "# a resolver that answers every name (a captive portal): it explains the"
echo "# HTTPS failure of the name it sends to the portal, where nothing listens"
restart_dns --address=/#/127.0.0.66 --address=/api.machinemetrics.com/127.0.0.66
run_public "$CHECK_EDGE"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - resolver 8\.8\.8\.8, 8\.8\.4\.4 rewrite NXDOMAIN \(captive portal or ISP redirect\): api\.machinemetrics\.com resolves to 127\.0\.0\.66, where 1 target fails \|"
expect_line "^\[CRITICAL\] HTTPS: api\.machinemetrics\.com: connection refused \(1 of 15 failing; root cause: dns\.nxdomain_rewrite\)$"
run_public "$CHECK_EDGE" --format json
printf '%s\n' "$out" | jq -e '.causes[0].code == "dns.nxdomain_rewrite"
  and ([.checks.dns.targets[] | select(.cause == "dns.nxdomain_rewrite")
        | .details.addresses[0]] == ["127.0.0.66", "127.0.0.66"])' >/dev/null &&
  pass "JSON: the rewrite is the first cause, both resolvers' rows" || fail "JSON: $out"
echo "# the same HTTPS failure with honest resolvers: no rewrite is named"
restart_dns --address=/api.machinemetrics.com/127.0.0.66
run_public "$CHECK_EDGE"
expect_rc 2
expect_no_line "rewrites NXDOMAIN"
expect_first "^EDGE CHECKLIST CRITICAL - api\.machinemetrics\.com: connection refused \(14 of 15 HTTPS targets fine\) \|"
restart_dns

echo "# a proxy that refuses explains every HTTPS failure behind it"
cat >"$TMP/tinyproxy.conf" <<CONF
Port 8888
Listen 127.0.0.60
Timeout 10
PidFile "$TMP/tinyproxy.pid"
LogFile "$TMP/tinyproxy.log"
Allow 127.0.0.0/8
BasicAuth edge S3cret-pa55
ConnectPort 443
CONF
ns tinyproxy -d -c "$TMP/tinyproxy.conf" </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 127.0.0.60 8888
run_public "$CHECK_EDGE" --proxy http://127.0.0.60:8888
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - proxy http://127\.0\.0\.60:8888: the proxy answered CONNECT with 407 \(proxy authentication required\) \(every HTTPS target behind it\) \|"
expect_line "^\[CRITICAL\] Proxy: http://127\.0\.0\.60:8888: the proxy answered CONNECT with 407 \(proxy authentication required\) \(15 of 15 targets\)$"
expect_line "^\[OK\] NATS: "

echo "# one blackholed target of each kind: ends by the -t 5 deadline, naming each"
restart_dns --server=/slow.example/127.0.0.99
for a in 127.0.0.96 127.0.0.97 127.0.0.98; do ns_addr "$a"; done
ns nft add table inet ep
ns nft add chain inet ep input '{ type filter hook input priority filter; policy accept; }'
ns nft add rule inet ep input ip daddr 127.0.0.96 tcp dport 7422 drop
ns nft add rule inet ep input ip daddr 127.0.0.97 tcp dport 443 drop
ns nft add rule inet ep input ip daddr 127.0.0.98 udp dport 123 drop
jq '{extends: "standard",
     dns: {names: [{name: "x.slow.example"}]},
     ntp: {servers: (.ntp.servers + ["127.0.0.98"])},
     https: {targets: (.https.targets + ["127.0.0.97"])},
     nats: {targets: (.nats.targets + ["127.0.0.96:7422"])}}
    + (if $slow then {https: {targets: (.https.targets + ["127.0.0.97"]),
                              warning: "60", critical: "120"},
                      nats: {targets: (.nats.targets + ["127.0.0.96:7422"]),
                             warning: "60", critical: "120"}} else {} end)' \
  --argjson slow "$([ -n "${EP_VALGRIND:-}" ] && echo true || echo false)" \
  "$EP_SRCDIR/profiles/standard.json" >"$TMP/blackholes.json"
# (Under valgrind, HTTPS and NATS thresholds of minutes, as for the
# built-in profiles in lib.sh: fifteen handshakes take more than 1 s.)
run_public "$CHECK_EDGE" -P "$TMP/blackholes.json" -t 5 -v
expect_rc 2
# 0.2 s for our own start and exit (the dynamic linker loading libcurl's
# dependencies takes about 15 ms of it on an idle machine, 80 ms with the
# suite's other test beside it); a sanitized build is slower, valgrind far
# more.
limit=5.2
[ -n "$EP_SANITIZED" ] && limit=5.5
[ -n "${EP_VALGRIND:-}" ] && limit=$((5 + 8))
awk "BEGIN { exit !($elapsed <= $limit) }" && pass "ended in ${elapsed}s (limit ${limit}s)" ||
  fail "took ${elapsed}s, more than ${limit}s"
awk "BEGIN { exit !($elapsed >= 4.9) }" && pass "waited for the deadline" || fail "ended at ${elapsed}s"
expect_line "^    \[CRITICAL\] x\.slow\.example timed out: no answer from 8\.8\.8\.8, 8\.8\.4\.4 nor fallback 127\.0\.0\.53$"
expect_line "^    \[CRITICAL\] 127\.0\.0\.98 timed out \([0-9] requests?, no reply\)$"
expect_line "^    \[CRITICAL\] 127\.0\.0\.97: timed out connecting \(no answer to SYN: filtered\?\)$"
expect_line "^    \[CRITICAL\] 127\.0\.0\.96:7422 timed out connecting \(no answer to SYN: filtered\?\)$"
expect_line "^    \[OK\] api\.machinemetrics\.com \(127\.0\.0\.10\): HTTP 200 "
ep_done
