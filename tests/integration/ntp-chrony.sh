#!/bin/sh
# check_edge_ntp against real chronyd servers, two of them skewed with
# libfaketime by a known amount that the check must report within 20 ms;
# a blackholed server; a pool name with several addresses.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v chronyd >/dev/null || skip "needs chrony"
start_chronyd 127.0.0.31
start_chronyd 127.0.0.32 +3s
start_chronyd 127.0.0.33 -2s
# chronyd answers with leap 3 until its local reference is selected.
i=0
while [ $i -lt 40 ]; do
  run_ntp -H 127.0.0.31 -H 127.0.0.32 -H 127.0.0.33 -t 2
  printf '%s\n' "$out" | grep -q unsynchronised || break
  sleep 0.25
  i=$((i + 1))
done

echo "# an honest server: OK, offset near 0"
run_ntp -H 127.0.0.31
expect_rc 0
expect_first "^EDGE NTP OK - offset -?[0-9.]+s from 127\.0\.0\.31, 1 server answered \| '127\.0\.0\.31_offset'=-?[0-9.]+s;0\.5;1 '127\.0\.0\.31_delay'=[0-9.]+s;;;0 '127\.0\.0\.31_stratum'=3;;;0;16$"
expect_near "$(perf_value 127.0.0.31_offset)" 0 0.020 "offset of 127.0.0.31"
expect_line '^\[OK\] 127\.0\.0\.31 offset -?[0-9.]+s delay [0-9.]+s stratum 3 refid 127\.127\.1\.1$'

echo "# a server 3 s ahead: CRITICAL, offset +3 s (positive: this host is behind)"
run_ntp -H 127.0.0.32
expect_rc 2
expect_first "^EDGE NTP CRITICAL - 127\.0\.0\.32 offset 3\.[0-9]+s delay [0-9.]+s stratum 3 refid 127\.127\.1\.1 \(absolute offset over critical 1\) \|"
expect_near "$(perf_value 127.0.0.32_offset)" 3 0.020 "offset of 127.0.0.32"

echo "# a server 2 s behind: offset -2 s; -w 1 -c 3 make it a WARNING"
run_ntp -H 127.0.0.33 -w 1 -c 3
expect_rc 1
expect_first "^EDGE NTP WARNING - 127\.0\.0\.33 offset -(1\.9[0-9]*|2(\.[0-9]+)?)s .*\(absolute offset over warning 1\) \|"
expect_near "$(perf_value 127.0.0.33_offset)" -2 0.020 "offset of 127.0.0.33"

echo "# a blackholed server: timed out by name, at the deadline"
blackhole 127.0.0.34 123
run_ntp -H 127.0.0.31 -H 127.0.0.34 -t 2
expect_rc 2
expect_first "^EDGE NTP CRITICAL - 127\.0\.0\.34 timed out \(1 request, no reply\) \(1 of 2 NTP servers fine\) \|"
expect_line '^\[OK\] 127\.0\.0\.31 offset '
expect_within 2

echo "# a pool name: every address on its own line, the best one decides and names the perfdata"
start_chronyd 127.0.0.35
start_chronyd 127.0.0.36
start_dnsmasq 127.0.0.53 --host-record=pool.example,127.0.0.31 \
  --host-record=pool.example,127.0.0.35 --host-record=pool.example,127.0.0.36 \
  --host-record=big.example,127.0.0.31 --host-record=big.example,127.0.0.32 \
  --host-record=big.example,127.0.0.33 --host-record=big.example,127.0.0.35 \
  --host-record=big.example,127.0.0.36
i=0
while [ $i -lt 40 ]; do
  run_ntp -H 127.0.0.35 -H 127.0.0.36 -t 2
  [ "$rc" = 0 ] && break
  sleep 0.25
  i=$((i + 1))
done
run_ntp -D 127.0.0.53 -H pool.example
expect_rc 0
expect_first "^EDGE NTP OK - offset -?[0-9.]+s from pool\.example 127\.0\.0\.3[156], 1 server answered \|"
for a in 31 35 36; do
  expect_line "^\[OK\] pool\.example 127\.0\.0\.$a offset -?[0-9.]+s delay "
done
# Graphs: one series per configured server, named after it, from its
# best address; the pool's addresses rotate, its labels do not.
labels=$(printf '%s\n' "$first" | sed 's/^[^|]*|//' | grep -o "'[^']*'=" | tr '\n' ' ')
[ "$labels" = "'pool.example_offset'= 'pool.example_delay'= 'pool.example_stratum'= " ] &&
  pass "perfdata: one series for the pool, named after it: $labels" || fail "perfdata labels: $labels"

echo "# the resolver blocked, the fallback answers: the probe goes on after one try"
blackhole 127.0.0.52
run_ntp -D 127.0.0.52 --fallback-dns 127.0.0.53 -H pool.example -t 3
expect_rc 0
expect_first "^EDGE NTP OK - offset -?[0-9.]+s from pool\.example 127\.0\.0\.3[156], 1 server answered \|"
expect_within 3

echo "# a pool and one of its members: that address is asked once"
run_ntp -D 127.0.0.53 -H pool.example -H 127.0.0.35
expect_rc 0
expect_line "^\[OK\] (pool\.example )?127\.0\.0\.35 offset -?[0-9.]+s delay [0-9.]+s stratum 3 refid 127\.127\.1\.1 \(the same address as another server's, asked once\)$"
n=$(printf '%s\n' "$first" | grep -o "'127\.0\.0\.35_offset'" | wc -l)
[ "$n" = 1 ] && pass "one perfdata label per address" || fail "$n labels for 127.0.0.35"

echo "# a pool of five addresses: four are asked"
run_ntp -D 127.0.0.53 -H big.example -w 5 -c 10
lines=$(printf '%s\n' "$out" | grep -c '^\[[A-Z]*\] big\.example 127\.0\.0\.')
[ "$lines" = 4 ] && pass "4 addresses of 5 asked" || fail "$lines addresses asked, expected 4"
expect_rc 0

echo "# a pool name that does not resolve: CRITICAL naming the resolver"
run_ntp -D 127.0.0.53 -H nosuch.example --fallback-dns none
expect_rc 2
expect_first "^EDGE NTP CRITICAL - nosuch\.example not resolved: REFUSED from 127\.0\.0\.53 \| 'nosuch\.example_offset'=U;0\.5;1$"
echo "# IPv6: chronyd on ::1, asked by address with and without brackets"
cat >"$TMP/chrony-v6.conf" <<CONF
bindaddress ::1
port 123
cmdport 0
bindcmdaddress /
local stratum 3
allow ::1
pidfile $TMP/chronyd-v6.pid
CONF
ns chronyd -x -d -u root -f "$TMP/chrony-v6.conf" </dev/null >"$TMP/chronyd-v6.log" 2>&1 &
ep_pids="$ep_pids $!"
wait_udp "[::1]" 123
run_ntp -H "[::1]:123" -w 5 -c 10 -v
expect_rc 0
expect_first "^EDGE NTP OK - offset -?[0-9.]+s from ::1, 1 server answered \| '::1_offset'=-?[0-9.]+s;5;10 '::1_delay'=[0-9.]+s;;;0 '::1_stratum'=3;;;0;16$"
expect_line "^\[OK\] ::1 offset -?[0-9.]+s delay [0-9.]+s stratum 3 refid 127\.127\.1\.1$"
run_ntp -H ::1 -H "[::1]:124" -w 5 -c 10 -t 2
expect_rc 2
expect_first "^EDGE NTP CRITICAL - \[::1\]:124 port unreachable: nothing listening \(1 of 2 NTP servers fine\)"
ep_done
