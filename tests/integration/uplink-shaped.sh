#!/bin/sh
# check_edge_uplink over a shaped link: the test's namespace is the gateway,
# joined by a veth pair to a "cloud" namespace, its upload direction shaped
# to 256 kbit/s by a token bucket (200 ms of queue).  In the cloud: nginx
# with the test CA's certificate for uploads.example taking any PUT (204),
# and a 413 before the body under /small/; dnsmasq; tinyproxy.  50 machines
# (200 kbit/s paced) fit: OK at the paced rate; 100 (400 kbit/s) carry
# their need but not its headroom: WARNING; 300 need more than the link:
# CRITICAL, both at the link's rate; --capacity reaches the link's rate;
# the same through the proxy; a 413, a blackholed and a closed port, an
# http:// URL; the machine counts of options and of a profile.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v tinyproxy >/dev/null || skip "needs tinyproxy"
command -v nft >/dev/null || skip "needs nft (Debian: nftables)"
command -v jq >/dev/null || skip "needs jq"
uplink_link 200ms
uplink_cloud || { fail "the cloud's servers did not start"; ep_done; }

cat >"$TMP/tinyproxy.conf" <<CONF
Port 8888
Listen 10.77.0.2
Timeout 30
PidFile "$TMP/tinyproxy.pid"
LogFile "$TMP/tinyproxy.log"
LogLevel Info
MaxClients 20
Allow 10.77.0.0/30
ConnectPort 443
CONF
in_cloud tinyproxy -d -c "$TMP/tinyproxy.conf" </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
wait_cloud 10.77.0.2:8888 t || fail "tinyproxy did not start"
# Port 444 drops every SYN; nothing listens on 445.
in_cloud nft -f - <<NFT
table inet ep {
  chain input {
    type filter hook input priority filter; policy accept;
    ip daddr 10.77.0.2 tcp dport 444 drop
  }
}
NFT

# -t is far above the upload's 4 s: the upload is not cut to fit it.
T=$(ep_deadline 20)
UP="-D 10.77.0.2 --cacert $P/ca.pem --upload-seconds 4 -t $T"
URL=https://uploads.example/
# The link's rate in what the receiver acknowledges: 256 kbit/s of frames
# carry about 245 kbit/s of TCP payload.  Under valgrind the check's own
# pacing may fall behind: the low ends are wider there.
if [ -n "${EP_VALGRIND:-}" ]; then LOW=0.7; else LOW=1; fi
low() { awk "BEGIN { printf \"%d\", $1 * $LOW }"; }

# carried_matches: the "carries N kbps" of the upload line is upload_rate.
carried_matches() {
  _k=$(printf '%s\n' "$out" | sed -n 's/.*uplink carries \([0-9.]*\) kbps.*/\1/p' | head -n 1)
  _r=$(perf_value upload_rate)
  expect_near "$_k" "$(awk "BEGIN { print ${_r:-0} / 1000 }")" 1 \
    "the upload line's kbps against upload_rate/1000"
}

echo "# 50 standard machines need 50 kbit/s, 200 with headroom 4: the link keeps up"
run_uplink $UP --upload-url $URL --machines 50
expect_rc 0
expect_first "^EDGE UPLINK OK - "
expect_line "upload.*uplink carries [0-9.]+ kbps of the 200 kbps that 50 machines need with headroom 4 \(needs 50 kbps\)"
expect_line "dns-train"
expect_near "$(perf_value upload_need)" 50000 0 "upload_need"
expect_near "$(perf_value upload_paced)" 200000 0 "upload_paced"
expect_range "$(perf_value upload_rate)" "$(low 180000)" 220000 "upload_rate (paced 200 kbit/s)"
carried_matches
expect_near "$(perf_value dns_loss)" 0 0 "dns_loss"
expect_range "$(perf_value idle_rtt)" 0 0.1 "idle_rtt"
expect_range "$(perf_value retransmits)" 0 1000000 "retransmits"
expect_within "$T"
ok_elapsed=$elapsed

echo "# 100 machines: 400 kbit/s paced, the link carries 245: the need but not the headroom"
run_uplink $UP --upload-url $URL --machines 100
expect_rc 1
expect_first "^EDGE UPLINK WARNING - "
expect_line "upload.*uplink carries [0-9.]+ kbps of the 400 kbps that 100 machines need with headroom 4 \(needs 100 kbps\)"
expect_near "$(perf_value upload_paced)" 400000 0 "upload_paced"
expect_range "$(perf_value upload_rate)" "$(low 220000)" 262000 "upload_rate (the link's)"
carried_matches

echo "# 300 machines need 300 kbit/s, more than the link: CRITICAL"
run_uplink $UP --upload-url $URL --machines 300
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - "
expect_line "upload.*uplink carries [0-9.]+ kbps of the 1200 kbps that 300 machines need with headroom 4 \(needs 300 kbps\)"
expect_near "$(perf_value upload_need)" 300000 0 "upload_need"
expect_range "$(perf_value upload_rate)" "$(low 220000)" 262000 "upload_rate (the link's)"
carried_matches

echo "# high-data machines: 40 standard and 10 at 5 kbit/s need 90 kbit/s"
run_uplink $UP --upload-url $URL --machines 50 --high-data-machines 10 --headroom 2
expect_rc 0
expect_line "upload.*uplink carries [0-9.]+ kbps of the 180 kbps that 50 machines need with headroom 2 \(needs 90 kbps\)"
expect_near "$(perf_value upload_need)" 90000 0 "upload_need"
expect_near "$(perf_value upload_paced)" 180000 0 "upload_paced"

echo "# --capacity: unpaced for the same time, the link's rate"
run_uplink $UP --upload-url $URL --machines 50 --capacity
expect_rc 0
expect_range "$(perf_value upload_rate)" "$(low 217600)" 294400 "upload_rate, capacity (256 kbit/s +- 15%)"

echo "# through tinyproxy: the same upload, the proxy's CONNECT to uploads.example:443"
run_uplink $UP --upload-url $URL --machines 50 --proxy http://10.77.0.2:8888
expect_rc 0
expect_first "^EDGE UPLINK OK - "
expect_range "$(perf_value upload_rate)" "$(low 180000)" 220000 "upload_rate through the proxy"
grep -q 'CONNECT.*uploads\.example:443' "$TMP/tinyproxy.log" &&
  pass "tinyproxy saw CONNECT uploads.example:443" ||
  fail "tinyproxy's log has no CONNECT uploads.example:443: $(tail -n 5 "$TMP/tinyproxy.log")"

echo "# a 413 before the body: WARNING naming it, at once; JSON"
run_uplink $UP --upload-url https://uploads.example/small/ --machines 50
expect_rc 1
expect_first "^EDGE UPLINK WARNING - .*413"
expect_line "upload.*413"
expect_within 8
run_uplink $UP --upload-url https://uploads.example/small/ --machines 50 --format json
expect_rc 1
j=$(printf '%s' "$out" | jq -r '[.check, .state, (.exit_code|tostring), ([.targets[].name] | sort | join(","))] | join(" ")')
if [ "$j" = "uplink WARNING 1 dns-train,upload" ]; then pass "json: $j"; else fail "json: got '$j'"; fi

echo "# a port that drops every SYN: CRITICAL by the deadline"
run_uplink -D 10.77.0.2 --cacert "$P/ca.pem" --upload-seconds 4 -t 6 \
  --upload-url https://uploads.example:444/ --machines 50
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - "
expect_within 6
echo "# a closed port: CRITICAL at once"
run_uplink $UP --upload-url https://uploads.example:445/ --machines 50
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - "
expect_line "upload.*(refused|cannot connect)"
expect_within 5

echo "# an http:// upload URL is a usage error: one line naming it"
run_uplink $UP --upload-url http://uploads.example/ --machines 50
expect_rc 3
expect_first "^EDGE UPLINK UNKNOWN - .*http://uploads\.example/"
n=$(printf '%s\n' "$out" | wc -l)
[ "$n" = 1 ] && pass "one line" || fail "$n lines: $out"

echo "# a profile's uplink member; its machines list counts when no count is given"
cat >"$TMP/uplink.json" <<JSON
{ "timeout": $T,
  "dns": { "servers": ["10.77.0.2"], "fallback": "none" },
  "uplink": { "upload_url": "https://uploads.example/small/", "machines": 20,
              "high_data_machines": 4, "headroom": 3, "upload_seconds": 4 } }
JSON
run_uplink -P "$TMP/uplink.json" --cacert "$P/ca.pem"
expect_rc 1
expect_near "$(perf_value upload_need)" 36000 0 "upload_need (16 + 4 x 5 kbit/s)"
expect_near "$(perf_value upload_paced)" 108000 0 "upload_paced (headroom 3)"
jq '.uplink |= del(.machines, .high_data_machines) |
    .machines = [range(12) | { name: "m\(.)", address: "10.20.0.\(. + 10)", protocol: "haas-mtconnect" }]' \
  "$TMP/uplink.json" >"$TMP/uplink-list.json"
run_uplink -P "$TMP/uplink-list.json" --cacert "$P/ca.pem"
expect_rc 1
expect_near "$(perf_value upload_need)" 12000 0 "upload_need (12 machines in the list)"

echo "# (the 50-machine upload took ${ok_elapsed}s)"
ep_done
