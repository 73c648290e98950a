#!/bin/sh
# check_edge on the built-in profiles, unchanged and with no option: first
# in a namespace with nothing but loopback (every packet fails at once),
# then with the vendor's whole world on the namespace's loopback (seed
# addresses, real servers behind them, a CA made public in a mount
# namespace of the run's own): OK; then each server taken away in turn,
# and the first line must name it.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx nats-server chronyd dnsmasq jq unshare; do
  command -v $c >/dev/null || skip "needs $c"
done

echo "# nothing but loopback: CRITICAL at once, the cause said once"
run_edge -t 5
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - no network: every resolver and endpoint is unreachable \|"
expect_first_shorter_than 200
expect_line "^\[CRITICAL\] NATS: 54\.218\.103\.126:7422 network unreachable \(4 of 4 failing; root cause: network\.unreachable\)$"
expect_line "^\[UNKNOWN\] TLS inspection: not checked: no HTTPS handshake got as far as a certificate$"
expect_within 5
awk "BEGIN { exit !($elapsed < 1 + $EP_SLACK) }" && pass "no waiting for the deadline: ${elapsed}s" ||
  fail "took ${elapsed}s with nothing to wait for"

echo "# the single checks there: one cause for every target said once, short"
run_ntp -t 5
expect_first "^EDGE NTP CRITICAL - 4 of 4 NTP servers: not resolved: no answer from 8\.8\.8\.8, 8\.8\.4\.4 nor fallback 127\.0\.0\.53 \(unreachable\) \|"
expect_first_shorter_than 200
run_nats -t 5
expect_first "^EDGE NATS CRITICAL - 4 of 4 NATS endpoints: network unreachable \|"
expect_line "^\[CRITICAL\] 52\.24\.16\.63:7422 network unreachable$"
run_dns -t 5
expect_first_shorter_than 200

seed_world || ep_done

echo "# the standard profile, no option: every item OK"
run_public "$CHECK_EDGE"
expect_rc 0
expect_first "^EDGE CHECKLIST OK - every item of the checklist OK: 19 names resolve, clock within -?[0-9.]+s of NTP, 15 HTTPS targets reachable without TLS inspection, 4 NATS endpoints answer \| 'dns_slowest'=[0-9.]+s;0\.5;2;0 'ntp_offset'=-?[0-9.]+s;0\.5;1 'https_slowest'=[0-9.]+s;$EDGE_HTTPS_THRESHOLDS;0 'https_cert_days'=(89|90)[0-9.]*;21:;7: 'nats_slowest_rtt'=[0-9.]+s;$EDGE_NATS_THRESHOLDS;0 'uplink_rate'=U;; 'uplink_dns_loss'=0%;2;25 'uplink_queue_delay'=U;0\\.3;;0 'dns_failing'=0;;;0;19 'ntp_failing'=0;;;0;4 'https_failing'=0;;;0;15 'nats_failing'=0;;;0;4 'uplink_failing'=0;;;0;1$"
expect_line "^\[OK\] DNS: 19 names resolved$"
expect_line "^\[OK\] NTP: offset -?[0-9.]+s from [0-9].resinio\.pool\.ntp\.org 127\.0\.0\.14, 4 servers answered$"
expect_line "^\[OK\] HTTPS: 15 HTTPS targets reachable, slowest [0-9.]+s \([a-z0-9.-]+\), certificates at least (89|90) days left$"
expect_line "^\[OK\] TLS inspection: none seen: 15 certificate chains verified to the public web PKI or an expected issuer$"
expect_line "^\[OK\] NATS: 4 NATS endpoints answered, slowest PONG [0-9.]+s$"
# No upload URL in the built-in profiles: the uplink's capacity is not
# measured, and says so; the DNS train goes to whichever Google resolver
# answered its lookup first (both are the same dnsmasq here; under load
# either may win).
expect_line "^\\[OK\\] Uplink: lo, loopback; capacity not measured: no upload URL; no machines counted; DNS train to 8\\.8\\.(8\\.8|4\\.4): 0% loss \\(0 of 20 lost\\), rtt [0-9.]+ ms, jitter [0-9.]+ ms$"
[ "$(printf '%s\n' "$out" | wc -l)" = 7 ] && pass "a line per checklist item" || fail "not 7 lines"
run_public "$CHECK_EDGE" -v
expect_line "^    \[OK\] 52\.34\.161\.223:7422 NATS 2\.9\.[0-9]+ leafnode listener N[A-Z0-9]+ \(seed-52\.34\.161\.223\): PONG in [0-9.]+s$"
expect_line "^    \[OK\] notify\.bugsnag\.com \(127\.0\.0\.10\): HTTP 200 in "
run_public "$CHECK_EDGE" --format json
printf '%s\n' "$out" | jq -e '.check == "checklist" and .state == "OK" and .schema_version == 2
  and (.items | length) == 6 and ([.not_checked[].id] == ["machine_network"])
  and .items[5].id == "bandwidth" and .checks.uplink.targets[0].details.mode == "not_measured"
  and .checks.uplink.targets[0].details.queries == 20
  and (.checks.https.targets | length) == 15 and (.checks.nats.targets | length) == 4
  and (.causes | length) == 0 and .checks.dns.targets[0].root_cause == null' >/dev/null &&
  pass "JSON: the whole tree" || fail "JSON: $out"

echo "# govcloud, no other option: the static addresses, the GovCloud NATS"
run_public "$CHECK_EDGE" -P govcloud
expect_rc 0
expect_first "^EDGE CHECKLIST OK - every item of the checklist OK: 20 names resolve, .*, 15 HTTPS targets reachable without TLS inspection, 4 NATS endpoints answer \|"

echo "# one Google resolver gone: WARNING naming it"
stop_pidfile "$TMP/dnsmasq-8.8.8.8.pid"
run_public "$CHECK_EDGE"
expect_rc 1
expect_first "^EDGE CHECKLIST WARNING - 8\.8\.8\.8 not answering \(port unreachable: nothing listening\) \|"
echo "# both gone: CRITICAL, nothing resolves, said once"
stop_pidfile "$TMP/dnsmasq-8.8.4.4.pid"
run_public "$CHECK_EDGE" -t "$(ep_deadline 3)"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - 8\.8\.8\.8, 8\.8\.4\.4 not answering \(port unreachable: nothing listening\), fallback 127\.0\.0\.53 not answering either \(port unreachable: nothing listening\): no name resolves \|"
expect_line "^\[CRITICAL\] HTTPS: .* \(15 of 15 failing; root cause: dns\.no_resolver\)$"
# shellcheck disable=SC2086
start_dnsmasq 8.8.8.8 $SEED_ZONE
# shellcheck disable=SC2086
start_dnsmasq 8.8.4.4 $SEED_ZONE

echo "# the NTP server gone"
stop_pidfile "$TMP/chronyd-127.0.0.14.pid"
run_public "$CHECK_EDGE" -t "$(ep_deadline 3)"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - all 4 NTP servers: port unreachable: nothing listening \|"
expect_line "^\[CRITICAL\] NTP: 0\.resinio\.pool\.ntp\.org 127\.0\.0\.14 port unreachable: nothing listening \(4 of 4 failing\)$"
start_chronyd 127.0.0.14

echo "# the HTTPS server gone: one cause for all 15"
stop_pidfile "$TMP/nginx/nginx.pid"
run_public "$CHECK_EDGE" -t "$(ep_deadline 3)"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - all 15 HTTPS targets: connection refused \|"
expect_line "^\[UNKNOWN\] TLS inspection: not checked"
start_https_nginx "$_servers"
wait_tcp 127.0.0.10 443

echo "# one NATS endpoint gone"
stop_pidfile "$TMP/nats-52.24.16.63.pid"
run_public "$CHECK_EDGE" -t "$(ep_deadline 3)"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - 52\.24\.16\.63:7422 connection refused \(3 of 4 NATS endpoints fine\) \|"
start_nats_leaf 52.24.16.63

echo "# 7422 blackholed: outbound 7422 blocked, not four symptoms, by the deadline"
ns nft add table inet ep
ns nft add chain inet ep input '{ type filter hook input priority filter; policy accept; }'
ns nft add rule inet ep input tcp dport 7422 drop
run_public "$CHECK_EDGE" -t "$(ep_deadline 3)"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - outbound TCP 7422 blocked: all 4 NATS endpoints time out connecting \(no answer to SYN\) \|"
expect_line "^\[OK\] HTTPS: "
expect_within "$(ep_deadline 3)"
ns nft flush ruleset

echo "# every server back: OK again"
run_public "$CHECK_EDGE"
expect_rc 0
ep_done
