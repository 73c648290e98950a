#!/bin/sh
# The uplink check in the real collectd: its figures as values of
# types.db's types (bitrate, percent, duration), the paced upload run once
# and then reported between runs with its age (UploadInterval), not every
# interval; the DNS train every run; and the subagent's epUplinkTable
# row from the same kind.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
collectd_setup
for c in nginx dnsmasq openssl; do command -v $c >/dev/null || skip "needs $c"; done

P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" &&
  https_leaf "$P" up ca 90 "DNS:uploads.example" || { fail "cannot make the test PKI"; ep_done; }
chmod 755 "$P"
chmod 644 "$P/ca.pem"
# Every PUT nginx took is a line of put.log.
start_https_nginx "$(https_server 127.0.0.80 up "client_max_body_size 1g; access_log $TMP/put.log; location / { return 204; }")"
wait_tcp 127.0.0.80 443
start_dnsmasq 127.0.0.53 --host-record=uploads.example,127.0.0.80 --local=/example/
cat >"$TMP/site.json" <<JSON
{ "timeout": 5,
  "dns": { "servers": ["127.0.0.53"], "fallback": "none",
           "names": [ { "name": "uploads.example" } ] },
  "uplink": { "upload_url": "https://uploads.example/edgeprobe", "machines": 50,
              "upload_seconds": 2, "upload_interval": 600 } }
JSON
chmod 644 "$TMP/site.json"

R="$TMP/run"
collectd_conf "$R/collectd.conf" "$R" gw1 "  Profile \"$TMP/site.json\"
  CACert \"$P/ca.pem\"
  <Check \"uplink\">
    Interval 10
  </Check>"
start_collectd "$R/collectd.conf"

echo "# the first run uploads: 50 machines paced at 200 kbit/s, carried"
if wait_value "$R" gw1/edgeprobe-uplink/bitrate-uplink-rate 40; then
  rate=$(last_value "$R" gw1/edgeprobe-uplink/bitrate-uplink-rate)
  awk "BEGIN { exit !($rate > 170000 && $rate < 260000) }" &&
    pass "uplink-rate = $rate bit/s (paced at 200000)" || fail "uplink-rate = $rate"
else
  fail "no uplink-rate; csv has $(find "$R/csv" -type f | sed "s|$R/csv/||" | tr '\n' ' ')"
fi
v=$(last_value "$R" gw1/edgeprobe-uplink/bitrate-uplink-need)
[ "${v%%.*}" = 50000 ] && pass "uplink-need = $v" || fail "uplink-need = '$v'"
v=$(last_value "$R" gw1/edgeprobe-uplink/percent-uplink-loss)
[ "${v%%.*}" = 0 ] && pass "uplink-loss = $v (the DNS train)" || fail "uplink-loss = '$v'"

echo "# the next run reports that upload, older, and does not upload again"
i=0
age=0
while [ $i -lt 300 ] && collectd_alive; do
  age=$(last_value "$R" gw1/edgeprobe-uplink/duration-uplink-age)
  [ -n "$age" ] && awk "BEGIN { exit !($age >= 5) }" && break
  sleep 0.1
  i=$((i + 1))
done
awk "BEGIN { exit !(${age:-0} >= 5) }" && pass "uplink-age = $age s on a later run" ||
  fail "uplink-age never grew: $(values "$R" gw1/edgeprobe-uplink/duration-uplink-age | tr '\n' ' ')"
n=$(grep -c '"PUT /edgeprobe' "$TMP/put.log" 2>/dev/null)
[ "$n" = 1 ] && pass "nginx took one PUT in two runs" || fail "nginx took $n PUTs: $(cat "$TMP/put.log")"
[ "$(values "$R" gw1/edgeprobe-uplink/percent-uplink-loss | wc -l)" -ge 2 ] &&
  pass "the DNS train ran again" || fail "one train only"
stop_collectd
grep -q '\[error\]' "$R/collectd.log" && fail "collectd logged errors: $(grep '\[error\]' "$R/collectd.log")"
ep_done
