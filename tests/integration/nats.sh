#!/bin/sh
# check_edge_nats against real nats-server listeners (client, leafnode on
# 7422, TLS with the test's CA, user/password), a blackholed and a closed
# port, an HTTP server, and hostile servers of our own; each asserts the
# state and the words of the message.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v nats-server >/dev/null || skip "needs nats-server"
command -v nginx >/dev/null || skip "needs nginx"

start_nats client 127.0.0.71 7422
printf 'listen: "127.0.0.72:4222"\nleafnodes { listen: "127.0.0.72:7422" }\n' >"$TMP/leaf.conf"
ns nats-server -c "$TMP/leaf.conf" -P "$TMP/nats-leaf.pid" -l "$TMP/nats-leaf.log" \
  </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 127.0.0.72 7422
start_nats auth 127.0.0.73 7422 --user edge --pass 'S3cret-pa55'
make_pki "$TMP/pki" nats.example 127.0.0.75 10 || fail "cannot make the test PKI"
start_nats tls 127.0.0.75 7422 --tls --tlscert "$TMP/pki/leaf.pem" --tlskey "$TMP/pki/leaf.key"
start_nats tlsauth 127.0.0.75 7423 --tls --tlscert "$TMP/pki/leaf.pem" \
  --tlskey "$TMP/pki/leaf.key" --user edge --pass 'S3cret-pa55'
start_tcp_hostile_rec() {
  ns "$TCP_HOSTILE" -l "$1" -p "$2" -m auth-record -o "$3" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$1" "$2"
}
start_tcp_hostile_rec 127.0.0.79 7422 "$TMP/received"
start_dnsmasq 127.0.0.53 --host-record=nats.example,127.0.0.75 \
  --host-record=other.example,127.0.0.75 --host-record=stream.example,127.0.0.71

echo "# a client listener: OK with the PONG round trip"
run_nats -H 127.0.0.71
expect_rc 0
expect_first "^EDGE NATS OK - 127\.0\.0\.71 NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+: PONG in [0-9.]+s \| '127\.0\.0\.71_connect'=[0-9.]+s;;;0 '127\.0\.0\.71_info'=[0-9.]+s;;;0 '127\.0\.0\.71_rtt'=[0-9.]+s;1;5;0$"
t=$(perf_value 127.0.0.71_rtt)
awk "BEGIN { exit !($t > 0 && $t < 1) }" && pass "round trip $t s" || fail "round trip '$t'"

echo "# a leafnode listener on 7422: INFO, LS+ and more INFO before PONG"
run_nats -H 127.0.0.72:7422 -v
expect_rc 0
expect_first "^EDGE NATS OK - 127\.0\.0\.72:7422 NATS 2\.9\.[0-9]+ leafnode listener N[A-Z0-9]+: PONG in [0-9.]+s \|"
expect_line "^    INFO: proto 1, max_payload 1048576, tls_required no, tls_available no, auth_required yes$"

echo "# -I: from an interface, or from an address and its interface"
run_nats -H 127.0.0.71 -I lo
expect_rc 0
run_nats -H 127.0.0.71 -I 127.0.0.1
expect_rc 0
expect_first ": PONG in [0-9.]+s \|"

echo "# a name, resolved by the core's resolver"
run_nats -D 127.0.0.53 --fallback-dns none -H stream.example:7422
expect_rc 0
expect_first "^EDGE NATS OK - stream\.example:7422 \(127\.0\.0\.71\) NATS "

echo "# authorization: the server's -ERR proves the path open; credentials from a file"
run_nats -H 127.0.0.73
expect_rc 0
expect_first "^EDGE NATS OK - 127\.0\.0\.73 NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+: authorization required \(server: 'Authorization Violation'\), path open \|"
printf 'edge:S3cret-pa55\n' >"$TMP/nats.auth"
chmod 600 "$TMP/nats.auth"
echo "# credentials go only over TLS that verified: a plaintext server never sees them"
run_nats -H 127.0.0.73 --nats-auth-file "$TMP/nats.auth" -v --format nagios
expect_rc 0
expect_first "^EDGE NATS OK - 127\.0\.0\.73 NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+: credentials withheld \(the server offers no TLS\), authorization required \(server: 'Authorization Violation'\), path open \|"
expect_line "^    credentials withheld: they go only over TLS that verified, unless the profile sets nats.allow_plaintext_credentials$"
run_nats -H 127.0.0.79 --nats-auth-file "$TMP/nats.auth"
expect_rc 0
expect_first ": credentials withheld \(the server offers no TLS\), authorization required"
if grep -q CONNECT "$TMP/received" && ! grep -q 'S3cret' "$TMP/received" &&
  ! grep -q '"user"' "$TMP/received"; then
  pass "the plaintext server got a CONNECT without credentials"
else
  fail "what the plaintext server got: $(cat "$TMP/received")"
fi
echo "# unless the profile says so in so many words"
printf '{"extends": "standard", "nats": {"allow_plaintext_credentials": true}}\n' \
  >"$TMP/plain.json"
run_nats -P "$TMP/plain.json" -H 127.0.0.73 --nats-auth-file "$TMP/nats.auth" -v --format nagios
expect_rc 0
expect_first ": PONG in [0-9.]+s \|"
if printf '%s\n' "$out" | grep -q 'S3cret' || grep -q 'S3cret' "$TMP/stderr"; then
  fail "the password appears in the output"
else
  pass "the password appears nowhere in the output"
fi
b64=$(printf 'edge:S3cret-pa55' | base64)
printf '%s\n' "$out" | grep -qF "$b64" && fail "the base64 credentials appear" || pass "nor their base64 form"
run_nats -P "$TMP/plain.json" -H 127.0.0.79 --nats-auth-file "$TMP/nats.auth"
expect_rc 1
grep -q '"pass":"S3cret-pa55"' "$TMP/received" && pass "sent when the profile allows it" ||
  fail "not sent although the profile allows it: $(cat "$TMP/received")"
echo "# over TLS that verified, the credentials go: a full round trip"
run_nats -D 127.0.0.53 --fallback-dns none -H nats.example:7423 --cacert "$TMP/pki/ca.pem" \
  --nats-auth-file "$TMP/nats.auth"
expect_rc 0
expect_first "^EDGE NATS OK - nats\.example:7423 \(127\.0\.0\.75\) NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+, TLSv1\.3, certificate (9|10) days left: PONG in [0-9.]+s \|"
run_nats -D 127.0.0.53 --fallback-dns none -H nats.example:7423 --cacert "$TMP/pki/ca.pem"
expect_rc 0
expect_first ": authorization required \(server: 'Authorization Violation'\), path open \|"
printf 'edge:wrong\n' >"$TMP/bad.auth"
chmod 600 "$TMP/bad.auth"
run_nats -P "$TMP/plain.json" -H 127.0.0.73 --nats-auth-file "$TMP/bad.auth"
expect_rc 1
expect_first ": credentials refused \(server: 'Authorization Violation'\), path open \|"
chmod 644 "$TMP/bad.auth"
run_nats -H 127.0.0.73 --nats-auth-file "$TMP/bad.auth"
expect_rc 3
expect_first "^EDGE NATS UNKNOWN - NATS credentials $TMP/bad\.auth: others can read it \(mode 644\); chmod o-rw it$"

echo "# TLS required: verified with the test CA, named as interception without it"
run_nats -H 127.0.0.75 --cacert "$TMP/pki/ca.pem"
expect_rc 0
expect_first "^EDGE NATS OK - 127\.0\.0\.75 NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+, TLSv1\.3, certificate (9|10) days left: PONG in [0-9.]+s \|"
# The round trip right after the handshake: on loopback a fraction of a
# millisecond, never the 40 ms of a delayed ACK that Nagle's algorithm
# would make us wait for.  The best of three runs, so that a busy machine's
# moment does not count (valgrind slows us, not the network: 20 ms).
t=$(perf_value 127.0.0.75_rtt)
runs="$first"
for i in 2 3; do
  run_nats -H 127.0.0.75 --cacert "$TMP/pki/ca.pem"
  runs="$runs
$first"
  t=$(awk -v a="$t" -v b="$(perf_value 127.0.0.75_rtt)" 'BEGIN { print (b != "" && b < a) ? b : a }')
done
lim=0.005
[ -n "${EP_VALGRIND:-}" ] && lim=0.02
awk "BEGIN { exit !($t > 0 && $t < $lim) }" && pass "TLS round trip $t s < $lim s" ||
  fail "TLS round trip '$t' s, expected under $lim s; the runs: $runs"
run_nats -H 127.0.0.75
expect_rc 2
expect_first "^EDGE NATS CRITICAL - 127\.0\.0\.75 NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+: TLS interception suspected \(issuer: CN=edgeprobe test CA\) \|"
run_nats -D 127.0.0.53 --fallback-dns none -H nats.example --cacert "$TMP/pki/ca.pem"
expect_rc 0
run_nats -D 127.0.0.53 --fallback-dns none -H other.example --cacert "$TMP/pki/ca.pem"
expect_rc 2
# the first line keeps the cause; who answered is in the long output
expect_first "^EDGE NATS CRITICAL - other\.example: certificate for the wrong name \(CN=nats\.example, not other\.example\) \|"
expect_first_shorter_than 200
expect_line "^\[CRITICAL\] other\.example \(127\.0\.0\.75\) NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+: certificate for the wrong name \(CN=nats\.example, not other\.example\)$"

echo "# a blackholed port: timed out connecting, by the deadline"
ns nft add table inet ep
ns nft add chain inet ep input '{ type filter hook input priority filter; policy accept; }'
ns nft add rule inet ep input ip daddr 127.0.0.76 tcp dport 7422 drop
run_nats -H 127.0.0.76 -H 127.0.0.71 -t 2
expect_rc 2
expect_first "^EDGE NATS CRITICAL - 127\.0\.0\.76 timed out connecting \(no answer to SYN: filtered\?\) \(1 of 2 NATS endpoints fine\) \|"
expect_within 2

echo "# a closed port"
run_nats -H 127.0.0.74
expect_rc 2
expect_first "^EDGE NATS CRITICAL - 127\.0\.0\.74 connection refused \|"

echo "# an HTTP server on the port: it says nothing first"
start_nginx 127.0.0.77 7422
run_nats -H 127.0.0.77 -t 2
expect_rc 2
expect_first "^EDGE NATS CRITICAL - 127\.0\.0\.77 connected, but said nothing \(timed out waiting for INFO\) \|"
expect_within 2

echo "# hostile servers"
# What a check against a good server uses: a hostile peer must not add more
# than 768 KiB to it, less than the 1 MiB INFO it sends (whatever the build:
# sanitizers make both larger).
# shellcheck disable=SC2086
ns "$MEASURE" "$TMP/rss-base" $EP_WRAPPER "$CHECK_NATS" -H 127.0.0.71 >/dev/null 2>&1
base=$(awk '{ print $3 }' "$TMP/rss-base")
limit=$((base + 768))
# one MODE EXIT FIRST-LINE-TEXT
n=80
one() {
  n=$((n + 1))
  start_tcp_hostile 127.0.0.$n 7422 "$1"
  # shellcheck disable=SC2086
  out=$(ns "$MEASURE" "$TMP/rss-$1" $EP_WRAPPER "$CHECK_NATS" -H 127.0.0.$n -t 2 2>"$TMP/stderr")
  first=$(printf '%s\n' "$out" | head -n 1)
  rc=$(awk '{ print $4 }' "$TMP/rss-$1")
  [ "$rc" = 99 ] && { fail "valgrind reported errors"; cat "$TMP/stderr"; }
  expect_rc "$2"
  expect_first "^EDGE NATS CRITICAL - 127\.0\.0\.$n $3"
  rss=$(awk '{ print $3 }' "$TMP/rss-$1")
  # (Under valgrind the figure is valgrind's.)
  if [ -n "${EP_VALGRIND:-}" ]; then :
  elif [ -n "$rss" ] && [ "$rss" -le "$limit" ]; then
    pass "$1: max RSS ${rss} KiB <= ${limit} KiB (a good server's ${base} + 768 KiB)"
  else fail "$1: max RSS '${rss}' KiB, over ${limit} KiB"; fi
}
one banner 2 "not NATS: said 'SSH-2\.0-OpenSSH_9\.2p1 Debian-2\+deb12u3' \|"
one endless 2 "INFO line exceeds 16 KiB \|"
one huge-info 2 "INFO line exceeds 16 KiB \|"
one bad-json 2 "INFO is not a JSON object \([^)]*\) \|"
one info-silence 2 "NATS 2\.9\.10 client listener NTESTSERVERID \(hostile\): timed out waiting for PONG \|"
one accept-close 2 "not NATS: closed the connection without a word \|"
one binary 2 "not NATS: said '\.+' \|"
one silent 2 "connected, but said nothing \(timed out waiting for INFO\) \|"
echo "# lines before our CONNECT and PING are no answer to them"
one early-pong 2 "NATS 2\.9\.10 client listener NTESTSERVERID: not NATS: said PONG before our PING \|"
one early-err 2 "NATS 2\.9\.10 client listener NTESTSERVERID: server error before our CONNECT: 'Authorization Violation' \|"
one auth-timeout 2 "NATS 2\.9\.10 client listener NTESTSERVERID: the server gave up waiting for our CONNECT \(server: 'Authentication Timeout'\) \|"
ep_done
