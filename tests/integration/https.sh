#!/bin/sh
# check_edge_https against nginx with certificates the test makes (a good
# leaf, expired, not yet valid, wrong name, self-signed, an inspection
# CA's chain), statuses 403/500/301, a blackholed and a refused port, and
# hostile servers: a reset after the ClientHello, silence, garbage, an
# endless body.  Each asserts the state and the words of the message.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v nginx >/dev/null || skip "needs nginx"

P="$TMP/pki"
https_test_pki "$P" || { fail "cannot make the test PKI"; ep_done; }
mkdir -p "$TMP/www"
truncate -s 4G "$TMP/www/big"
# An intermediate that expired, with a leaf under it; a good leaf sent
# with an unrelated expired certificate (as servers still send old
# cross-signs).
lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
openssl req -newkey rsa:2048 -nodes -keyout "$P/inter.key" -out "$P/inter.csr" \
  -subj "/CN=Expired Intermediate" >/dev/null 2>&1 &&
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n' >"$P/inter.ext" &&
env LD_PRELOAD="$lib" FAKETIME=-400d openssl x509 -req -in "$P/inter.csr" -CA "$P/ca.pem" \
  -CAkey "$P/ca.key" -CAcreateserial -out "$P/inter.pem" -days 30 -extfile "$P/inter.ext" \
  >/dev/null 2>&1 &&
https_leaf "$P" deep inter 90 "DNS:deep.example" &&
cat "$P/deep.pem" "$P/inter.pem" >"$P/deepchain.pem" && cp "$P/deep.key" "$P/deepchain.key" &&
cat "$P/good.pem" "$P/expired.pem" >"$P/extra.pem" && cp "$P/good.key" "$P/extra.key" ||
  fail "cannot make the chain certificates"

start_https_nginx "$(
  https_server 127.0.0.10 good 'location / { return 200 "ok\n"; }'
  https_server 127.0.0.11 good 'location / { return 403; }'
  https_server 127.0.0.12 good 'location / { return 500; }'
  https_server 127.0.0.13 good 'location / { return 301 https://elsewhere.example/; }'
  https_server 127.0.0.14 good "location / { root $TMP/www; try_files /big =404; }"
  https_server 127.0.0.15 soon 'location / { return 200; }'
  https_server 127.0.0.20 expired 'location / { return 200; }'
  https_server 127.0.0.21 notyet 'location / { return 200; }'
  https_server 127.0.0.22 other 'location / { return 200; }'
  https_server 127.0.0.23 self 'location / { return 200; }'
  https_server 127.0.0.24 inspected 'location / { return 200; }'
  https_server 127.0.0.25 deepchain 'location / { return 200; }'
  https_server 127.0.0.26 extra 'location / { return 200; }'
  https_server 127.0.0.27 good "location / { limit_rate 1k; root $TMP/www; try_files /big =404; }"
  https_server 127.0.0.40 good 'location / { return 200; }'
)"
for a in 10 11 12 13 14 15 20 21 22 23 24 25 26 27 40; do wait_tcp 127.0.0.$a 443; done
start_tcp_hostile 127.0.0.50 443 reset-after-read
start_tcp_hostile 127.0.0.51 443 silent
start_tcp_hostile 127.0.0.52 443 banner
blackhole 127.0.0.40 443
start_dnsmasq 127.0.0.53 --host-record=good.example,127.0.0.10 \
  --host-record=forbidden.example,127.0.0.11 --host-record=error.example,127.0.0.12 \
  --host-record=moved.example,127.0.0.13 --host-record=endless.example,127.0.0.14 \
  --host-record=soon.example,127.0.0.15 \
  --host-record=expired.example,127.0.0.20 --host-record=notyet.example,127.0.0.21 \
  --host-record=wrongname.example,127.0.0.22 --host-record=self.example,127.0.0.23 \
  --host-record=inspected.example,127.0.0.24 --host-record=blackholed.example,127.0.0.40 \
  --host-record=refused.example,127.0.0.41 --host-record=sni.example,127.0.0.50 \
  --host-record=silent.example,127.0.0.51 --host-record=garbage.example,127.0.0.52 \
  --host-record=deep.example,127.0.0.25 --host-record=extra.example,127.0.0.26 \
  --host-record=slow.example,127.0.0.27 --address=/hole.example/127.0.0.40 \
  --address=/nowhere.example/ --local=/example/
DNS="-D 127.0.0.53 --fallback-dns none"
CA="--cacert $P/ca.pem"
EXPECT="--expect-issuer edgeprobe"

echo "# a good chain, an expected issuer: OK with status, TLS version and days"
run_https $DNS $CA $EXPECT -H good.example -v
expect_rc 0
expect_first "^EDGE HTTPS OK - good\.example \(127\.0\.0\.10\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left \| 'good\.example_total'=[0-9.]+s;$HTTPS_W;$HTTPS_C;0 'good\.example_tls'=[0-9.]+s;;;0 'good\.example_cert_days'=(89|90)\.?[0-9]*;21:;7:$"
expect_line "^    resolve [0-9.]+s \(127\.0\.0\.53\), connect [0-9.]+s, TLS [0-9.]+s, first byte [0-9.]+s, total [0-9.]+s$"
expect_line "^    TLSv1\.3 TLS_[A-Z0-9_]+, subject CN=good\.example, issuer CN=edgeprobe test CA, (89|90) days left \(soonest in chain (89|90)\), issuer expected \('edgeprobe'\)$"
t=$(perf_value good.example_total)
awk "BEGIN { exit !($t > 0 && $t < $HTTPS_W) }" && pass "total $t s" || fail "total '$t'"

echo "# 403, 500 and 301 are reachable, each with its status"
run_https $DNS $CA $EXPECT -H forbidden.example -H error.example -H moved.example
expect_rc 0
expect_first "^EDGE HTTPS OK - 3 HTTPS targets reachable, slowest [0-9.]+s \([a-z]+\.example\), certificates at least (89|90) days left \|"
expect_line "^\[OK\] forbidden\.example \(127\.0\.0\.11\): HTTP 403 in "
expect_line "^\[OK\] error\.example \(127\.0\.0\.12\): HTTP 500 in "
expect_line "^\[OK\] moved\.example \(127\.0\.0\.13\): HTTP 301 in "
run_https $DNS $CA $EXPECT -H forbidden.example -v --format nagios
expect_line "^    HTTP/1\.1 403 Forbidden, server nginx/[0-9.]+$"
run_https $DNS $CA $EXPECT -H moved.example --format json
[ "$(printf '%s\n' "$out" | jq -r '.targets[0].details | "\(.http_version) \(.http_reason) \(.http_server)"')" = \
  "1.1 Moved Permanently $(printf '%s\n' "$out" | jq -r '.targets[0].details.http_server')" ] &&
  printf '%s\n' "$out" | jq -e '.targets[0].details.http_server | startswith("nginx/")' >/dev/null &&
  pass "JSON: the status line and the server's name" || fail "JSON status line: $out"

echo "# verified through the --cacert CA alone: not the public web PKI"
run_https $DNS $CA -H good.example
expect_rc 1
expect_first "^EDGE HTTPS WARNING - good\.example: TLS interception suspected \(issuer: CN=edgeprobe test CA\): verified only through the --cacert CA, a CA outside the public web PKI \|"
expect_line "^\[WARNING\] good\.example \(127\.0\.0\.10\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left; TLS interception suspected \(issuer: CN=edgeprobe test CA\): verified only through the --cacert CA, a CA outside the public web PKI$"

echo "# an expected issuer the chain does not have"
run_https $DNS $CA --expect-issuer "DigiCert" -H good.example
expect_rc 1
expect_first "; TLS interception suspected \(issuer: CN=edgeprobe test CA\): not an expected issuer \|"

echo "# the test CA unknown: interception, with the issuer seen"
run_https $DNS -H good.example -v
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - good\.example \(127\.0\.0\.10\): TLS interception suspected \(issuer: CN=edgeprobe test CA\) \| 'good\.example_total'=U;$HTTPS_W;$HTTPS_C;0 'good\.example_tls'=[0-9.]+s;;;0 'good\.example_cert_days'=(89|90)\.?[0-9]*;21:;7:$"
expect_line "^    TLSv1\.3 TLS_[A-Z0-9_]+, subject CN=good\.example, issuer CN=edgeprobe test CA, (89|90) days left"

echo "# an inspection CA's chain: untrusted CRITICAL, trusted via --cacert WARNING"
run_https $DNS $CA $EXPECT -H inspected.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - inspected\.example \(127\.0\.0\.24\): TLS interception suspected \(issuer: CN=Plant Inspection CA\) \|"
run_https $DNS --cacert "$P/inspect.pem" -H inspected.example
expect_rc 1
expect_first "^EDGE HTTPS WARNING - inspected\.example: TLS interception suspected \(issuer: CN=Plant Inspection CA\): verified only through the --cacert CA"

echo "# expired, not yet valid, wrong name, self-signed: each named"
run_https $DNS $CA $EXPECT -H expired.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - expired\.example \(127\.0\.0\.20\): certificate expired 37[01] days ago \| .*'expired\.example_cert_days'=-37[01]"
run_https $DNS $CA $EXPECT -H notyet.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - notyet\.example \(127\.0\.0\.21\): certificate not yet valid \|"
run_https $DNS $CA $EXPECT -H wrongname.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - wrongname\.example \(127\.0\.0\.22\): certificate for the wrong name \(CN=other\.example, not wrongname\.example\) \|"
run_https $DNS $CA $EXPECT -H self.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - self\.example \(127\.0\.0\.23\): self-signed certificate \(CN=self\.example\) \|"

echo "# chains: an expired intermediate named as such; extra certificates sent do not count"
run_https $DNS $CA $EXPECT -H deep.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - deep\.example \(127\.0\.0\.25\): chain certificate CN=Expired Intermediate expired 37[01] days ago \|"
run_https $DNS $CA $EXPECT -H extra.example
expect_rc 0
expect_first "^EDGE HTTPS OK - extra\.example \(127\.0\.0\.26\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left \|"

echo "# a name with its final dot is the same name"
run_https $DNS $CA $EXPECT -H good.example. -v
expect_rc 0
expect_first "^EDGE HTTPS OK - good\.example\. \(127\.0\.0\.10\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left \|"
expect_line "subject CN=good\.example, issuer CN=edgeprobe test CA"

echo "# certificate days: the profile's 21/7, and the options"
run_https $DNS $CA $EXPECT -H soon.example
expect_rc 1
expect_first "^EDGE HTTPS WARNING - soon\.example \(127\.0\.0\.15\): HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (9|10) days left; certificate expires in (9|10) days \(warning below 21\) \|"
run_https $DNS $CA $EXPECT -H soon.example --cert-critical-days 12 --cert-warning-days 30
expect_rc 2
expect_first "certificate expires in (9|10) days \(critical below 12\) \| .*'soon\.example_cert_days'=(9|10)\.?[0-9]*;30:;12:$"

echo "# a blackholed address ends by the deadline; a refused port at once"
run_https $DNS $CA $EXPECT -H blackholed.example -t 2
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - blackholed\.example: timed out connecting \(no answer to SYN: filtered\?\) \|"
expect_within 2
run_https $DNS $CA $EXPECT -H refused.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - refused\.example( \(127\.0\.0\.41\))?: connection refused \|"

echo "# names that do not resolve"
run_https $DNS $CA $EXPECT -H nowhere.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - nowhere\.example: not resolved: NXDOMAIN from 127\.0\.0\.53 \|"

echo "# hostile servers: a reset after the ClientHello, silence, garbage"
run_https $DNS $CA $EXPECT -H sni.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - sni\.example \(127\.0\.0\.50\): SNI filtering suspected \(connection reset right after the ClientHello\) \|"
# (Silent after the ClientHello for 1 s, it is asked again with small
# segments, in case the path loses large ones: silent again, it says so.
# Under valgrind the ClientHello itself can come a second late.)
run_https $DNS $CA $EXPECT -H silent.example -t "$(ep_deadline 2)"
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - silent\.example \(127\.0\.0\.51\): timed out in the TLS handshake: no answer to the ClientHello, also with 536-byte segments \|"
expect_within "$(ep_deadline 2)"
run_https $DNS $CA $EXPECT -H garbage.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - garbage\.example \(127\.0\.0\.52\): TLS handshake failed: .*wrong version number"

echo "# a body is never read: a slow one costs nothing, an endless one no memory"
run_https $DNS $CA $EXPECT -H slow.example -t 5
expect_rc 0
expect_first "^EDGE HTTPS OK - slow\.example \(127\.0\.0\.27\): HTTP 200 in [0-9.]+s"
expect_within 1
# shellcheck disable=SC2086
ns "$MEASURE" "$TMP/rss-base" $EP_WRAPPER "$CHECK_HTTPS" $DNS $CA $EXPECT \
  -H good.example >/dev/null 2>&1
run_https $DNS $CA $EXPECT -H endless.example -v
expect_rc 0
expect_first "^EDGE HTTPS OK - endless\.example \(127\.0\.0\.14\): HTTP 200 in [0-9.]+s"
expect_line "^    body not read \(reachability ends with the headers\)$"
# shellcheck disable=SC2086
ns "$MEASURE" "$TMP/rss-endless" $EP_WRAPPER "$CHECK_HTTPS" $DNS $CA $EXPECT \
  -H endless.example >/dev/null 2>&1
base=$(awk '{ print $3 }' "$TMP/rss-base")
rss=$(awk '{ print $3 }' "$TMP/rss-endless")
# A 4 GiB body may add at most 768 KiB to a good server's run (under
# valgrind the figure is valgrind's own).
if [ -n "${EP_VALGRIND:-}" ]; then :
elif [ -n "$rss" ] && [ -n "$base" ] && [ "$rss" -le $((base + 768)) ]; then
  pass "endless body: max RSS $rss KiB <= $((base + 768)) KiB (a good server's $base + 768)"
else
  fail "endless body: max RSS '$rss' KiB against a good server's '$base' KiB"
fi

echo "# every target at once: wall time near the slowest, not the sum"
run_https $DNS $CA $EXPECT -t "$(ep_deadline 2)" -H good.example -H blackholed.example \
  -H silent.example -H sni.example -H expired.example -H forbidden.example
expect_rc 2
expect_within "$(ep_deadline 2)"
expect_line "^\[OK\] good\.example "
expect_line "^\[CRITICAL\] blackholed\.example: timed out connecting"
expect_line "^\[CRITICAL\] silent\.example \(127\.0\.0\.51\): timed out in the TLS handshake"
expect_line "^\[CRITICAL\] sni\.example \(127\.0\.0\.50\): SNI filtering suspected"
expect_line "^\[OK\] forbidden\.example \(127\.0\.0\.11\): HTTP 403"

echo "# more targets than handshake slots: the blackholed give theirs up, the rest all start"
# 80 blackholed names take every slot (64) first; the four good ones
# start only because a slot held past its hold time is given up.
holes=""
i=1
while [ $i -le 80 ]; do holes="$holes -H h$i.hole.example"; i=$((i + 1)); done
# shellcheck disable=SC2086
run_https $DNS $CA $EXPECT -t "$(ep_deadline 2)" $holes -H good.example \
  -H forbidden.example -H error.example -H moved.example
expect_rc 2
expect_within "$(ep_deadline 2)"
expect_line "^\[OK\] good\.example \(127\.0\.0\.10\): HTTP 200 in "
expect_line "^\[OK\] forbidden\.example \(127\.0\.0\.11\): HTTP 403 in "
expect_line "^\[OK\] error\.example \(127\.0\.0\.12\): HTTP 500 in "
expect_line "^\[OK\] moved\.example \(127\.0\.0\.13\): HTTP 301 in "
n=$(printf '%s\n' "$out" | grep -c '^\[CRITICAL\] h[0-9]*\.hole\.example: timed out connecting (no answer to SYN')
[ "$n" = 80 ] && pass "80 blackholed targets time out connecting" ||
  fail "$n of 80 blackholed targets said 'timed out connecting': $out"

echo "# -I: an interface, and an unknown one as a usage error"
run_https $DNS $CA $EXPECT -H good.example -I lo
expect_rc 0
run_https $DNS $CA $EXPECT -H good.example -I nosuch0
expect_rc 3
expect_first "^EDGE HTTPS UNKNOWN - "

echo "# JSON output carries the same figures"
run_https $DNS $CA $EXPECT -H good.example -H expired.example --format json
expect_rc 2
if printf '%s\n' "$out" | jq -e '.check == "https" and .state == "CRITICAL" and
    (.targets[0].details.http_status == 200) and
    (.targets[0].details.tls_version == "TLSv1.3") and
    (.targets[0].details.certificate_days > 88) and
    (.targets[1].details.verify_code == 10) and
    (.targets[1].details.connect_seconds > 0) and
    (.targets[1].details.tls_seconds > 0) and
    (.targets[1].details.problem | test("certificate expired"))' >/dev/null 2>&1; then
  pass "JSON: statuses, TLS version, days and verify codes"
else
  fail "JSON output: $out"
fi

ep_done
