#!/bin/sh
# edgeprobe.so in the real collectd (collectd -f with the csv and logfile
# plugins) against real servers in the namespace: the values it writes are
# read back and asserted: a DNS response time through a relay delaying
# 300 ms, the NTP offset of a chronyd skewed +3 s, the drift of one whose
# clock runs 500 ppm fast (libfaketime's x speed), HTTPS and NATS values
# for every target, a state value and a notification when a server stops;
# the shipped sample configuration validated; bad configurations refused
# with their line in the log; collectd's own checks (-T).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
collectd_setup
for c in nginx nats-server chronyd dnsmasq; do command -v $c >/dev/null || skip "needs $c"; done

echo "# servers: DNS behind a 300 ms relay, chronyd +3 s and one 500 ppm fast, nginx, nats"
start_dnsmasq 127.0.0.54 --host-record=api.example.com,127.0.0.10 \
  --host-record=good.example,127.0.0.10 --local=/example.com/ --local=/example/
start_relay 127.0.0.53 127.0.0.54 300
start_chronyd 127.0.0.14 +3s
start_chronyd 127.0.0.15 "+10s x1.0005"
P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" && https_leaf "$P" good ca 90 "DNS:good.example" ||
  fail "cannot make the test PKI"
start_https_nginx "$(https_server 127.0.0.10 good 'location / { return 200 "ok\n"; }')"
wait_tcp 127.0.0.10 443
start_nats c 127.0.0.71 7422
cat >"$TMP/site.json" <<JSON
{ "timeout": 5,
  "dns": { "servers": ["127.0.0.53"], "fallback": "none",
           "names": [ { "name": "api.example.com" } ] },
  "ntp": { "servers": ["127.0.0.14", "127.0.0.15"] },
  "https": { "targets": ["good.example"] },
  "nats": { "targets": ["127.0.0.71:7422"] } }
JSON
# chronyd's kernel receive timestamps are not faked: give the fast one a
# moment past the start, so both its timestamps run on its own clock.
sleep 1

echo "# every check of the profile, without <Check> blocks"
R="$TMP/run"
collectd_conf "$R/collectd.conf" "$R" gw1 "  Profile \"$TMP/site.json\"
  CACert \"$P/ca.pem\"
  ExpectIssuer \"edgeprobe test CA\""
start_collectd "$R/collectd.conf"
wait_value "$R" gw1/edgeprobe-dns/response_time-api.example.com 20 &&
  wait_value "$R" gw1/edgeprobe-https/response_time-good.example-total 10 &&
  wait_value "$R" gw1/edgeprobe-nats/response_time-127.0.0.71_7422-rtt 10 &&
  wait_value "$R" gw1/edgeprobe-ntp/time_offset-127.0.0.14 10 ||
  fail "values missing: $(find "$R/csv" -type f | sed "s|$R/csv/||" | tr '\n' ' ')"
# The median of three reads: one late wake-up of the relay under a loaded
# machine is the relay's, not the figure's.
i=0
while [ $i -lt 100 ] && [ "$(values "$R" gw1/edgeprobe-dns/response_time-api.example.com | grep -vc nan)" -lt 3 ]; do
  sleep 0.1
  i=$((i + 1))
done
expect_near "$(values "$R" gw1/edgeprobe-dns/response_time-api.example.com | grep -v nan | head -n 3 |
  sort -n | sed -n 2p)" 0.3 0.02 "dns response_time through the 300 ms relay (median of 3 reads)"
expect_near "$(last_value "$R" gw1/edgeprobe-ntp/time_offset-127.0.0.14)" 3 0.02 \
  "ntp time_offset of the +3 s chronyd"
for f in edgeprobe-ntp/delay-127.0.0.14 edgeprobe-ntp/gauge-127.0.0.14-stratum \
  edgeprobe-https/response_time-good.example-tls edgeprobe-https/gauge-good.example-cert_days \
  edgeprobe-nats/response_time-127.0.0.71_7422-connect \
  edgeprobe-nats/response_time-127.0.0.71_7422-info; do
  v=$(last_value "$R" "gw1/$f")
  [ -n "$v" ] && [ "$v" != nan ] && pass "$f = $v" || fail "$f = '$v'"
done
expect_near "$(last_value "$R" gw1/edgeprobe-https/gauge-good.example-cert_days)" 90 1 "certificate days"
for c in dns/gauge-api.example.com-state ntp/gauge-127.0.0.14-state \
  https/gauge-good.example-state nats/gauge-127.0.0.71_7422-state; do
  v=$(last_value "$R" "gw1/edgeprobe-$c")
  [ "$v" = 0.000000 ] && pass "$c = 0 (OK)" || fail "$c = '$v'"
done
grep -q "edgeprobe plugin: ntp check every 64 s" "$R/collectd.log" &&
  pass "NTP read every 64 s, whatever the interval" || fail "NTP interval: $(grep edgeprobe "$R/collectd.log")"

echo "# a server stops: its state value and a notification"
kill "$(cat "$TMP/nats-c.pid")"
i=0
while [ $i -lt 100 ] && [ "$(last_value "$R" gw1/edgeprobe-nats/gauge-127.0.0.71_7422-state)" != 2.000000 ]; do
  sleep 0.1
  i=$((i + 1))
done
[ "$(last_value "$R" gw1/edgeprobe-nats/gauge-127.0.0.71_7422-state)" = 2.000000 ] &&
  pass "nats state value 2 (CRITICAL)" || fail "nats state stays '$(last_value "$R" gw1/edgeprobe-nats/gauge-127.0.0.71_7422-state)'"
[ "$(last_value "$R" gw1/edgeprobe-nats/response_time-127.0.0.71_7422-rtt)" = nan ] &&
  pass "its round trip unmeasured: nan, a gap" || fail "rtt: $(last_value "$R" gw1/edgeprobe-nats/response_time-127.0.0.71_7422-rtt)"
grep -q "Notification: severity = FAILURE, host = gw1, plugin = edgeprobe, plugin_instance = nats, type = gauge, type_instance = 127.0.0.71_7422-state, message = nats 127.0.0.71:7422: OK -> CRITICAL (tcp.refused): 127.0.0.71:7422 connection refused" \
  "$R/collectd.log" && pass "notification: OK -> CRITICAL (tcp.refused)" ||
  fail "no notification: $(grep -i notification "$R/collectd.log")"
start_nats c 127.0.0.71 7422
i=0
while [ $i -lt 100 ] && ! grep -q "severity = OKAY.*127.0.0.71:7422: CRITICAL -> OK" "$R/collectd.log"; do
  sleep 0.1
  i=$((i + 1))
done
grep -q "severity = OKAY.*127.0.0.71:7422: CRITICAL -> OK" "$R/collectd.log" &&
  pass "notification: CRITICAL -> OK" || fail "no recovery notification"
grep -q "read-function of plugin .edgeprobe" "$R/collectd.log" &&
  fail "a read failed: $(grep read-function "$R/collectd.log")" || pass "no read failed: a failing target is data"

echo "# the drift of a clock 500 ppm fast, from two reads 64 s apart"
if wait_value "$R" gw1/edgeprobe-ntp/frequency_offset-127.0.0.15 80; then
  # An offset is known to half its round trip: over the 64 s between two
  # reads, a loaded machine's delays widen what the drift can be off by.
  slack() {
    values "$R" "gw1/edgeprobe-ntp/delay-$1" | tail -n 2 |
      awk '{ s += $1 } END { printf "%.1f", 50 + s / 2 / 64 * 1e6 }'
  }
  d=$(last_value "$R" gw1/edgeprobe-ntp/frequency_offset-127.0.0.15)
  expect_near "$d" 500 "$(slack 127.0.0.15)" "frequency_offset (drift, ppm) of the x1.0005 chronyd"
  expect_near "$(last_value "$R" gw1/edgeprobe-ntp/frequency_offset-127.0.0.14)" 0 \
    "$(slack 127.0.0.14)" "drift of the steady one"
else
  fail "no drift after 80 s"
fi
stop_collectd && pass "collectd stopped cleanly"

echo "# the shipped sample: collectd -t, then -T (every read once) in an empty namespace"
S="$TMP/sample"
mkdir -p "$S"
{
  printf 'Hostname "gw1"\nFQDNLookup false\nBaseDir "%s"\nTypesDB "%s"\n' "$S" "$COLLECTD_TYPES"
  printf 'LoadPlugin logfile\n<Plugin logfile>\n  File "%s/collectd.log"\n  PrintSeverity true\n</Plugin>\n' "$S"
  printf 'PluginDir "%s/plugins"\n' "$TMP"
  cat "$EP_SRCDIR/collectd/edgeprobe.conf"
} >"$S/collectd.conf"
out=$($COLLECTD -t -C "$S/collectd.conf" 2>&1)
rc=$?
expect_rc 0
out=$(ns $COLLECTD -T -C "$S/collectd.conf" 2>&1)
rc=$?
expect_rc 0
grep -q "edgeprobe plugin: https check every 60 s, deadline 10 s" "$S/collectd.log" &&
  pass "-T: the sample's checks registered and read" || fail "-T: $(cat "$S/collectd.log")"
grep -q "edgeprobe plugin: machines check not run: the profile lists no machines" "$S/collectd.log" &&
  pass "-T: the sample's machines block, the standard profile listing none, says so" ||
  fail "-T: no word of the machines: $(grep edgeprobe "$S/collectd.log")"
while IFS= read -r line; do
  case $line in "" | "#"*) continue ;; esac
  grep -qF -- "$line" "$EP_SRCDIR/docs/collectd.md" || { fail "docs/collectd.md lacks the sample's line: $line"; break; }
done <"$EP_SRCDIR/collectd/edgeprobe.conf"

echo "# bad configurations: the start fails with one line naming what is wrong"
bad() { # WANT LINES...
  want=$1
  shift
  B="$TMP/bad$#$(printf '%s' "$want" | cksum | cut -d' ' -f1)"
  collectd_conf "$B/collectd.conf" "$B" gw1 "$(printf '%s\n' "$@")"
  ns $COLLECTD -T -C "$B/collectd.conf" </dev/null >"$B/out" 2>&1
  if grep -qF -- "$want" "$B/collectd.log"; then
    pass "refused: $want"
  else
    fail "wanted '$want' in the log: $(cat "$B/collectd.log" "$B/out")"
  fi
  grep -q "edgeprobe.*check every" "$B/collectd.log" && fail "a check was registered anyway"
}
bad "edgeprobe plugin: dns check: Timeout 2 is not below its interval (1 s)" \
  "Profile \"$TMP/site.json\"" "Timeout 2" "<Check \"dns\">" "</Check>"
bad "edgeprobe plugin: Bogus: unknown option" "Bogus 1"
bad "edgeprobe plugin: Check: expected <Check \"dns\">, \"ntp\", \"https\", \"nats\", \"machines\" or \"uplink\"" \
  "<Check \"smtp\">" "</Check>"
bad "edgeprobe plugin: https check: CACert /nonexistent.pem: cannot open: No such file or directory" \
  "Profile \"$TMP/site.json\"" "CACert \"/nonexistent.pem\"" "<Check \"https\">" "</Check>"
bad "edgeprobe plugin: $TMP/none.json: cannot open: No such file or directory" \
  "Profile \"$TMP/none.json\""
bad "edgeprobe plugin: nats check: Target: '127.0.0.1:0': port must be a number from 1 to 65535" \
  "Profile \"$TMP/site.json\"" "<Check \"nats\">" "Target \"127.0.0.1:0\"" "</Check>"
# One good check and one bad: none runs (the good one was left running).
bad "edgeprobe plugin: nats check: Target: '127.0.0.1:0': port must be a number from 1 to 65535" \
  "Profile \"$TMP/site.json\"" "<Check \"dns\">" "</Check>" \
  "<Check \"nats\">" "Target \"127.0.0.1:0\"" "</Check>"
bad "edgeprobe plugin: dns check: DNSServer: 'resolver.example' is not an IPv4 or IPv6 address" \
  "Profile \"$TMP/site.json\"" "DNSServer \"resolver.example\"" "<Check \"dns\">" "</Check>"
ep_done
