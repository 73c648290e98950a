#!/bin/sh
# check_edge_uplink's congestion verdict: an upload paced above a
# 256 kbit/s link fills the link's queue.  Behind a deep queue (a token
# bucket with 2 s of it) the upload socket's smoothed RTT grows to seconds
# while the connection's idle RTT was a millisecond: queue_delay over
# 0.3 s and the words "the uplink queues (bufferbloat)".  Behind a shallow
# one (50 ms, three full frames: about 0.14 s) the same upload does not
# say so.  The resolver is the gateway's own (on its loopback), so that
# the DNS train never waits in the shaped queue.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
uplink_link 2000ms
uplink_cloud || { fail "the cloud's servers did not start"; ep_done; }
start_dnsmasq 127.0.0.53 --host-record=uploads.example,10.77.0.2 --local=/example/

T=$(ep_deadline 20)
# 100 machines: need 100 kbit/s, paced at 400, above the link: the rate
# verdict is WARNING either way; what differs is the congestion words.
RUN="-D 127.0.0.53 --fallback-dns none --cacert $P/ca.pem --upload-url https://uploads.example/ --machines 100 --upload-seconds 4 -t $T"

echo "# a deep queue: bufferbloat"
run_uplink $RUN
expect_rc 1
expect_first "^EDGE UPLINK WARNING - ${UPLINK_VETH}uplink carries [0-9.]+ kbps of the 400 kbps .*; loaded RTT [0-9.]+ ms against [0-9.]+ ms idle: the uplink queues \(bufferbloat\)"
qd=$(perf_value queue_delay)
expect_range "$qd" 0.3 2.5 "queue_delay behind 2 s of queue"
idle=$(perf_value idle_rtt)
loaded=$(perf_value loaded_rtt)
expect_range "$idle" 0 0.1 "idle_rtt"
expect_range "$loaded" 0.3 2.5 "loaded_rtt"
expect_near "$qd" "$(awk "BEGIN { print ${loaded:-0} - ${idle:-0} }")" 0.002 "queue_delay = loaded_rtt - idle_rtt"
if printf '%s\n' "$first" | grep -q "'queue_delay'=[0-9.]*s;0\.3;"; then
  pass "queue_delay's warning threshold is 0.3"
else
  fail "queue_delay's thresholds: $first"
fi
# The receiver cannot have acknowledged more than the link carries: 256
# kbit/s of frames, about 245 of TCP payload, and a 4 kB burst.
if [ -n "${EP_VALGRIND:-}" ]; then low=150000; else low=200000; fi
expect_range "$(perf_value upload_rate)" $low 262000 "upload_rate (acknowledged) behind the deep queue"

echo "# a shallow queue: the same upload, no bufferbloat"
uplink_shape 50ms
uplink_quiet
run_uplink $RUN
expect_rc 1
expect_first "^EDGE UPLINK WARNING - "
expect_no_line "bufferbloat"
expect_range "$(perf_value queue_delay)" 0 0.2 "queue_delay behind 50 ms of queue"
ep_done
