#!/bin/sh
# Hostile and broken NTP servers (tests/servers/ep-ntp-responder): each
# ends in its named state with the words of the message, by the deadline;
# and the client is polite (2 s between packets, none after a RATE kiss).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
i=40
for m in good wrong-origin kod-rate kod-deny leap3 stratum16 stratum0-nokiss \
  short long other-port flood zero-xmt mode3 version2 silent root-distance \
  zero-reftime; do
  i=$((i + 1))
  start_ntp_responder 127.0.0.$i "$m" -o 0.25
  eval "addr_$(echo $m | tr - _)=127.0.0.$i"
done

# one MODE EXIT FIRST-LINE-TEXT: the check against that server alone; a
# discarded reply leaves it waiting for a trusted one until its -t, so the
# shortest that still lets a reply arrive under valgrind: 1 s.
one() {
  eval "a=\$addr_$(echo "$1" | tr - _)"
  run_ntp -H "$a" -t 1
  expect_rc "$2"
  expect_first "^EDGE NTP [A-Z]+ - $(echo "$a" | sed 's/\./\\./g')$3"
}

echo "# a good server 0.25 s ahead"
run_ntp -H "$addr_good" -t 2
expect_rc 0
expect_first "^EDGE NTP OK - offset 0\.2[0-9]*s from $(echo "$addr_good" | sed 's/\./\\./g'), 1 server answered \|"
expect_line "^\[OK\] $(echo "$addr_good" | sed 's/\./\\./g') offset 0\.2[0-9]*s delay [0-9.]+s stratum 2 refid 127\.0\.0\.1$"
expect_near "$(perf_value "${addr_good}_offset")" 0.25 0.020 "offset"
echo "# replies that must not be trusted"
one wrong-origin 2 " no trusted reply \(1 discarded: origin mismatch, not an answer to our request\) \|"
one kod-rate 2 " Kiss-o'-Death RATE \|"
one kod-deny 2 " Kiss-o'-Death DENY \|"
one leap3 2 " unsynchronised \(leap 3, stratum 2\) \|"
one stratum16 2 " unsynchronised \(leap 0, stratum 16\) \|"
one stratum0-nokiss 2 " no trusted reply \(1 discarded: stratum 0 without a kiss code\) \|"
one short 2 " no trusted reply \(1 discarded: shorter than 48 bytes\) \|"
one long 2 " no trusted reply \(1 discarded: unexpected length, more than 48 bytes and a MAC\) \|"
one zero-xmt 2 " no trusted reply \(1 discarded: zero transmit timestamp\) \|"
one mode3 2 " no trusted reply \(1 discarded: not a server reply \(mode is not 4\)\) \|"
one version2 2 " no trusted reply \(1 discarded: version is not 3 or 4\) \|"
echo "# a server whose own time is unreliable is not this host's offset"
one root-distance 2 " no trusted reply \(1 discarded: root distance 16 s or more \(the server's time is unreliable\)\) \|"
one zero-reftime 2 " no trusted reply \(1 discarded: zero reference time \(the server never set its clock\)\) \|"
echo "# a reply from another port is never seen: timed out at the deadline"
one other-port 2 " timed out \(1 request, no reply\) \|"
expect_within 1
echo "# silence"
one silent 2 " timed out \(1 request, no reply\) \|"
expect_within 1
echo "# a flood of 199 forged replies before the real one: the real one wins"
run_ntp -H "$addr_flood" -t 2
expect_rc 0
expect_line "^\[OK\] $(echo "$addr_flood" | sed 's/\./\\./g') offset 0\.2[0-9]*s delay [0-9.]+s stratum 2 refid 127\.0\.0\.1 \(199 discarded: origin mismatch, not an answer to our request\)$"

echo "# nothing listening: port unreachable at once"
run_ntp -H 127.0.0.99 -t 5
expect_rc 2
expect_first "^EDGE NTP CRITICAL - 127\.0\.0\.99 port unreachable: nothing listening \|"
expect_within 1

echo "# politeness: 3 samples go 2 s apart; a RATE kiss stops the asking"
before=$(ntp_requests "$addr_good")
run_ntp -H "$addr_good" --samples 3 -t 6
expect_rc 0
after=$(ntp_requests "$addr_good")
[ $((after - before)) = 3 ] && pass "3 requests for 3 samples" ||
  fail "$((after - before)) requests for 3 samples"
awk "BEGIN { exit !($elapsed >= 4.0) }" && pass "3 samples took ${elapsed}s (>= 4 s)" ||
  fail "3 samples took only ${elapsed}s: packets closer than 2 s"
expect_no_line "samples trusted"
run_ntp -H "$addr_good" --samples 3 -t 6 -v
expect_line "^    leap 0, version 4, root delay [0-9.]+s, root dispersion [0-9.]+s, 3 of 3 samples trusted$"
before=$(ntp_requests "$addr_kod_rate")
run_ntp -H "$addr_kod_rate" --samples 3 -t 6
after=$(ntp_requests "$addr_kod_rate")
[ $((after - before)) = 1 ] && pass "no request after a RATE kiss" ||
  fail "$((after - before)) requests despite a RATE kiss"
expect_within 1

echo "# a server slower than the 2 s spacing: its late answers still count"
ns "$RELAY" -l 127.0.0.60 -p 123 -u "$addr_good" -q 123 -d 2500 </dev/null &
ep_pids="$ep_pids $!"
wait_udp 127.0.0.60 123
run_ntp -H 127.0.0.60 --samples 2 -t 6 -w 5 -c 10 -v
expect_rc 0
expect_line "^\[OK\] 127\.0\.0\.60 offset -?[0-9.]+s delay 2\.5[0-9]*s stratum 2 refid 127\.0\.0\.1$"
expect_line "^    leap 0, version 4, root delay [0-9.]+s, root dispersion [0-9.]+s, 2 of 2 samples trusted$"

echo "# -I: sent from an interface, or from an address and its interface"
run_ntp -H "$addr_good" -I lo -t 2
expect_rc 0
run_ntp -H "$addr_good" -I 127.0.0.1 -t 2
expect_rc 0
expect_line "^\[OK\] $(echo "$addr_good" | sed 's/\./\\./g') offset "

echo "# several at once: the first line names the problems, every server a line"
run_ntp -H "$addr_good" -H "$addr_leap3" -H "$addr_silent" -t 2
expect_rc 2
expect_first "^EDGE NTP CRITICAL - $(echo "$addr_leap3" | sed 's/\./\\./g') unsynchronised \(leap 3, stratum 2\); $(echo "$addr_silent" | sed 's/\./\\./g') timed out \(1 request, no reply\) \(1 of 3 NTP servers fine\) \|"
[ "$(printf '%s\n' "$out" | grep -c '^\[')" = 3 ] && pass "3 server lines" || fail "not 3 server lines"
ep_done
