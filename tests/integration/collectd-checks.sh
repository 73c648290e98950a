#!/bin/sh
# Which checks edgeprobe.so runs in the real collectd (csv and logfile
# plugins) against one server of each kind in the namespace: the profile
# decides, a <Check> block tunes its own check and turns no other off;
# "Enabled false" turns one off by name; every check that does not run
# says why in the log, once; a block's own keys reach the core (its
# thresholds judge, its messages name them as written); a key a check does
# not take and an unknown check are refused with the choices.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
collectd_setup
for c in nginx nats-server dnsmasq jq; do command -v $c >/dev/null || skip "needs $c"; done
start_soak_world
# The same world without machines.
jq 'del(.machines)' "$TMP/soak.json" >"$TMP/no-machines.json"

# run_collectd DIR PLUGIN-BLOCK-LINES: collectd reading every 2 s (a
# deadline of 1.6 s: TLS under valgrind), the plugin configured so.
run_collectd() {
  collectd_conf "$1/collectd.conf" "$1" gw1 "$2"
  sed -i 's/^Interval 1$/Interval 2/' "$1/collectd.conf"
  start_collectd "$1/collectd.conf"
}

# has_values DIR CHECK/TYPE-INSTANCE...: each gets a measured value.
has_values() {
  _d=$1
  shift
  for _f in "$@"; do
    if wait_value "$_d" "gw1/edgeprobe-$_f" 30; then
      pass "$_f = $(last_value "$_d" "gw1/edgeprobe-$_f")"
    else
      fail "$_f: no value; csv has $(find "$_d/csv" -type f | sed "s|$_d/csv/||" | tr '\n' ' ')"
    fi
  done
}

# logged DIR TEXT: the log has a line with TEXT, exactly once.
logged() {
  _n=$(grep -cF -- "$2" "$1/collectd.log")
  [ "$_n" = 1 ] && pass "logged once: $2" ||
    fail "logged $_n times: $2; edgeprobe's lines: $(grep edgeprobe "$1/collectd.log")"
}

# reads DIR CHECK: how many reads of CHECK collectd has written.
reads() { values "$1" "gw1/edgeprobe-$2/duration" | grep -c .; }

echo "# only <Check \"dns\">: every check of the profile still runs"
R="$TMP/one-block"
run_collectd "$R" "  Profile \"$TMP/soak.json\"
  CACert \"$P/ca.pem\"
  <Check \"dns\">
    Interval 1
  </Check>"
has_values "$R" dns/response_time-good.example ntp/time_offset-127.0.0.41 \
  https/response_time-good.example-total nats/response_time-127.0.0.71_7422-rtt \
  machines/response_time-plc-connect
logged "$R" "edgeprobe plugin: dns check every 1 s, deadline 0.8 s"
for c in https nats machines; do logged "$R" "edgeprobe plugin: $c check every 2 s, deadline 1.6 s"; done
logged "$R" "edgeprobe plugin: ntp check every 64 s, deadline 5 s"
logged "$R" "edgeprobe plugin: ntp check: drift (frequency_offset) from 64 s after the first read"
grep -q "check not run" "$R/collectd.log" &&
  fail "a check not run: $(grep "check not run" "$R/collectd.log")" || pass "no check left out"
stop_collectd && pass "collectd stopped cleanly"

echo "# Enabled false, and a profile without machines: neither runs, each says why"
R="$TMP/off"
run_collectd "$R" "  Profile \"$TMP/no-machines.json\"
  CACert \"$P/ca.pem\"
  <Check \"nats\">
    Interval 1
    Enabled false
  </Check>"
has_values "$R" dns/response_time-good.example https/response_time-good.example-total
i=0
while [ $i -lt 300 ] && [ "$(reads "$R" dns)" -lt 3 ] && collectd_alive; do
  sleep 0.1
  i=$((i + 1))
done
[ "$(reads "$R" dns)" -ge 3 ] && pass "three reads of dns: $(reads "$R" dns)" || fail "dns reads: $(reads "$R" dns)"
[ ! -e "$R/csv/gw1/edgeprobe-nats" ] && pass "no nats values (Enabled false)" ||
  fail "nats values: $(ls "$R/csv/gw1/edgeprobe-nats")"
[ ! -e "$R/csv/gw1/edgeprobe-machines" ] && pass "no machines values (the profile lists none)" ||
  fail "machines values: $(ls "$R/csv/gw1/edgeprobe-machines")"
logged "$R" "edgeprobe plugin: nats check not run: turned off (Enabled false)"
logged "$R" "edgeprobe plugin: machines check not run: the profile lists no machines"
[ "$(grep -c "check not run" "$R/collectd.log")" = 2 ] && pass "those two alone not run" ||
  fail "not run: $(grep "check not run" "$R/collectd.log")"
stop_collectd && pass "collectd stopped cleanly"

echo "# a block's own keys: its Critical judges, its Samples ask each server that often"
R="$TMP/tuned"
asked=$(ntp_requests 127.0.0.41)
run_collectd "$R" "  Profile \"$TMP/no-machines.json\"
  CACert \"$P/ca.pem\"
  <Check \"dns\">
    Critical \"0.000001\"
  </Check>
  <Check \"ntp\">
    Samples 2
  </Check>"
wait_value "$R" gw1/edgeprobe-dns/gauge-good.example-state 30
[ "$(last_value "$R" gw1/edgeprobe-dns/gauge-good.example-state)" = 2.000000 ] &&
  pass "dns state 2 (CRITICAL): its answer took more than Critical's 1 us" ||
  fail "dns state '$(last_value "$R" gw1/edgeprobe-dns/gauge-good.example-state)'"
# (Under valgrind every check's first read starts at once on two cores: a
# first NATS read may miss its 1.6 s deadline.  The dns block's Critical
# leaking into NATS would keep every read CRITICAL; a later read OK shows
# it does not.)
i=0
while [ $i -lt 300 ] && collectd_alive; do
  [ "$(last_value "$R" gw1/edgeprobe-nats/gauge-127.0.0.71_7422-state)" = 0.000000 ] && break
  sleep 0.1
  i=$((i + 1))
done
[ "$(last_value "$R" gw1/edgeprobe-nats/gauge-127.0.0.71_7422-state)" = 0.000000 ] &&
  pass "nats state 0: the dns block's Critical is its alone" ||
  fail "nats states: $(values "$R" gw1/edgeprobe-nats/gauge-127.0.0.71_7422-state | tr '\n' ' ')"
has_values "$R" ntp/time_offset-127.0.0.41
[ $(($(ntp_requests 127.0.0.41) - asked)) = 2 ] && pass "NTP's first read: 2 requests (Samples 2)" ||
  fail "NTP's first read: $(($(ntp_requests 127.0.0.41) - asked)) requests, not 2"
stop_collectd && pass "collectd stopped cleanly"

echo "# refused, with the key as written and the choices"
refused() { # WANT LINES...
  _want=$1
  shift
  B="$TMP/bad$(printf '%s' "$_want" | cksum | cut -d' ' -f1)"
  collectd_conf "$B/collectd.conf" "$B" gw1 "$(printf '%s\n' "$@")"
  ns $COLLECTD -T -C "$B/collectd.conf" </dev/null >"$B/out" 2>&1
  _rc=$?
  if [ "$_rc" != 0 ] && grep -qF -- "$_want" "$B/collectd.log"; then
    pass "refused (exit $_rc): $_want"
  else
    fail "exit $_rc, wanted '$_want' in the log: $(cat "$B/collectd.log" "$B/out")"
  fi
  grep -q "edgeprobe.*check every" "$B/collectd.log" && fail "a check was registered anyway"
}
# collectd -t reads no plugin's block (5.12 exits 0 whatever it holds):
# -T, which starts the plugins, is where a configuration is judged.
refused "edgeprobe plugin: Check: expected <Check \"dns\">, \"ntp\", \"https\", \"nats\", \"machines\" or \"uplink\"" \
  "Profile \"$TMP/soak.json\"" "<Check \"smtp\">" "</Check>"
refused "edgeprobe plugin: Samples: not an option of <Check \"dns\"> (Interval, Enabled, Warning, Critical, Target)" \
  "Profile \"$TMP/soak.json\"" "<Check \"dns\">" "Samples 2" "</Check>"
refused "edgeprobe plugin: Samples: '9': expected a whole number from 1 to 8" \
  "Profile \"$TMP/soak.json\"" "<Check \"ntp\">" "Samples 9" "</Check>"
refused "edgeprobe plugin: ntp check: DriftWarning 'lots' is not a valid range" \
  "Profile \"$TMP/soak.json\"" "<Check \"ntp\">" "DriftWarning \"lots\"" "</Check>"
refused "edgeprobe plugin: machines check: Warning 'soon' is not a valid range" \
  "Profile \"$TMP/soak.json\"" "<Check \"machines\">" "Warning \"soon\"" "</Check>"
refused "edgeprobe plugin: Enabled: unknown option (Profile, DNSServer, FallbackDNS, Timeout, CACert, " \
  "Profile \"$TMP/soak.json\"" "Enabled false"
# A setting of a check that does not run is checked all the same (the
# uplink's, which reads it too, turned off).
refused "edgeprobe plugin: MachineInterface: no interface named 'nonesuch0'" \
  "Profile \"$TMP/no-machines.json\"" "MachineInterface \"nonesuch0\"" \
  "<Check \"uplink\">" "Enabled false" "</Check>"
# ... and the uplink, which runs, says it first.
refused "edgeprobe plugin: uplink check: MachineInterface: no interface named 'nonesuch0'" \
  "Profile \"$TMP/no-machines.json\"" "MachineInterface \"nonesuch0\""
ep_done
