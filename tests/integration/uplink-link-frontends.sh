#!/bin/sh
# The uplink's link in the long-lived front ends: a gateway whose cloud (a
# literal HTTPS target and a NATS address, no name to resolve, no DNS
# train) is routed into a tun device named wwan0, our ModemManager on a
# private D-Bus with one connected LTE modem on it (uplink-link.sh does the
# same for check_edge_uplink), and "allow_cellular".  The real collectd
# with edgeprobe.so running the uplink check writes the modem's figures as
# types.db's types (signal_power, percent, gauge) and no link speed; the
# subagent, under snmpd, serves them in epUplinkTable's link columns, the
# WiFi and gateway ones absent, and snmptable prints the row.  Both front
# ends run at once.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
collectd_setup
snmp_setup
command -v snmptable >/dev/null || skip "needs snmptable (Debian: snmp)"
command -v dbus-daemon >/dev/null || skip "needs dbus-daemon"
/usr/bin/python3 -c 'import dbusmock' 2>/dev/null || skip "needs python3-dbusmock"
MOCK_MM="$EP_SRCDIR/tests/servers/ep-mock-modemmanager.py"
# The daemons' first values: collectd and the subagent start slowly under
# valgrind.
if [ -n "${EP_VALGRIND:-}" ]; then WAIT=90; else WAIT=30; fi

echo "# wwan0: a tun device held open, the default route into it"
ns /usr/bin/python3 -c '
import fcntl, os, struct
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"wwan0", 1 | 0x1000))
print("ready", flush=True)
while True:
    os.read(fd, 65536)
' >"$TMP/hold-wwan0.out" 2>&1 &
ep_pids="$ep_pids $!"
for _w in $(seq 1 50); do
  grep -q ready "$TMP/hold-wwan0.out" 2>/dev/null && break
  sleep 0.1
done
grep -q ready "$TMP/hold-wwan0.out" || { fail "cannot hold wwan0: $(cat "$TMP/hold-wwan0.out")"; ep_done; }
ns ip link set wwan0 up
ns ip addr add 100.64.0.2/32 dev wwan0
ns ip route add default dev wwan0
r=$(ns ip route get 203.0.113.10)
case "$r" in *" dev wwan0 "*) pass "the HTTPS target is routed into wwan0" ;;
  *) fail "route to 203.0.113.10: $r" ;; esac

echo "# a private system bus, our ModemManager: LTE, connected, Telekom.de"
private_system_bus
/usr/bin/python3 "$MOCK_MM" --port wwan0 --state connected --tech lte --operator Telekom.de \
  --registration home --quality 71 --rsrp -95 --rsrq -11 --sinr 8 >"$TMP/mock.out" 2>&1 &
ep_pids="$ep_pids $!"
for _w in $(seq 1 100); do
  grep -q READY "$TMP/mock.out" 2>/dev/null && break
  sleep 0.1
done
grep -q READY "$TMP/mock.out" || { fail "the mock ModemManager did not start: $(cat "$TMP/mock.out")"; ep_done; }

# The subagent reads the profile as nobody.
cat >"$TMP/site.json" <<JSON
{ "description": "uplink-link-frontends.sh", "timeout": 3,
  "dns": { "servers": ["127.0.0.1"], "fallback": "none", "names": [] },
  "ntp": { "servers": ["127.0.0.1"] },
  "https": { "targets": ["203.0.113.10"] },
  "nats": { "targets": ["198.51.100.20:7422"] },
  "uplink": { "allow_cellular": true } }
JSON
chmod 644 "$TMP/site.json"

echo "# collectd (the uplink check alone, every 10 s) and snmpd with the subagent"
R="$TMP/run"
collectd_conf "$R/collectd.conf" "$R" gw1 "  Profile \"$TMP/site.json\"
  <Check \"dns\">
    Enabled false
  </Check>
  <Check \"ntp\">
    Enabled false
  </Check>
  <Check \"https\">
    Enabled false
  </Check>
  <Check \"nats\">
    Enabled false
  </Check>
  <Check \"uplink\">
    Interval 10
  </Check>"
start_collectd "$R/collectd.conf"
start_snmpd
start_agentx -P "$TMP/site.json" -i 2 -t "$(ep_deadline 3)"

echo "# collectd's csv: the modem's figures, the state OK, no link speed"
C=gw1/edgeprobe-uplink
wait_value "$R" "$C/gauge-uplink-state" "$WAIT" ||
  fail "no uplink state in $WAIT s; csv has $(find "$R/csv" -type f | sed "s|$R/csv/||" | tr '\n' ' '); log: $(tail -n 5 "$R/collectd.log")"
# expect_csv FILE VALUE: collectd's newest value there is VALUE.
expect_csv() {
  _v=$(last_value "$R" "$C/$1")
  if [ -n "$_v" ] && awk "BEGIN { exit !($_v == $2) }"; then
    pass "$1 = $_v"
  else
    fail "$1 = '$_v', expected $2"
  fi
}
expect_csv gauge-uplink-state 0
expect_csv signal_power-uplink-rsrp -95
expect_csv percent-uplink-cell_quality 71
expect_csv gauge-uplink-rsrq -11
expect_csv gauge-uplink-sinr 8
# A figure the modem did not report (no --rssi) is a gap, never a value.
v=$(last_value "$R" "$C/signal_power-uplink-rssi")
[ -z "$v" ] || [ "$v" = nan ] && pass "signal_power-uplink-rssi: not measured ('$v')" ||
  fail "signal_power-uplink-rssi = '$v', the modem reported no RSSI"
files=$(cd "$R/csv/gw1" 2>/dev/null && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
case "$files" in
  *link_speed*) fail "a link_speed value was dispatched: $files" ;;
  *uplink-rsrp*) pass "no link_speed value (the csv files: $files)" ;;
  *) fail "the csv files lack the RSRP: $files" ;;
esac

echo "# the subagent's epUplinkTable row"
wait_runs 1 "$WAIT" || fail "no run of the subagent ended: $(tail -n 20 "$TMP/agentx.log")"
# expect_get OBJECT VALUE [snmpget output options]: GET of the instance.
expect_get() {
  _v=$(snmp snmpget "${3:--Oqv}" "EDGEPROBE-MIB::$1" 2>&1)
  [ "$_v" = "$2" ] && pass "GET $1 = $_v" || fail "GET $1 = '$_v', expected '$2'"
}
expect_get epUplinkTarget.1 uplink
expect_get epUplinkInterface.1 wwan0
expect_get epUplinkLinkKind.1 cellular
expect_get epUplinkCellTechnology.1 LTE
expect_get epUplinkCellOperator.1 Telekom.de
expect_get epUplinkCellRegistration.1 home
expect_get epUplinkCellState.1 connected
# Typed as the MIB says, without its UNITS.
expect_get epUplinkCellRsrp.1 "INTEGER: -9500" -OvU
expect_get epUplinkCellRsrq.1 "INTEGER: -1100" -OvU
expect_get epUplinkCellSinr.1 "INTEGER: 800" -OvU
expect_get epUplinkCellQuality.1 "Gauge32: 71" -OvU
# expect_absent OBJECT: GET answers noSuchInstance.
expect_absent() {
  _v=$(snmp snmpget -Ov "EDGEPROBE-MIB::$1" 2>&1)
  case "$_v" in "No Such Instance currently exists at this OID") pass "GET $1: $_v" ;;
    *) fail "GET $1 = '$_v', expected noSuchInstance" ;; esac
}
expect_absent epUplinkWifiSignal.1
expect_absent epUplinkGateway.1
expect_absent epUplinkCellRssi.1
expect_absent epUplinkLinkSpeed.1

echo "# snmptable of epUplinkTable: the row, as a NOC tool reads it"
snmp snmptable -Cf '|' -Cb -OU EDGEPROBE-MIB::epUplinkTable >"$TMP/table" 2>&1
trc=$?
sed 's/^/#   /' "$TMP/table"
# column NAME: the one row's value under the heading NAME.
column() {
  awk -F'|' -v want="$1" '
    $1 == "Target" { for (i = 1; i <= NF; i++) if ($i == want) c = i; next }
    c && NF > 1 { print $c; exit }' "$TMP/table"
}
row="$(column Target) $(column Interface) $(column LinkKind) $(column CellOperator)"
row="$row $(column CellRsrp) $(column CellQuality) $(column CellState)"
[ "$trc" = 0 ] && [ "$row" = "uplink wwan0 cellular Telekom.de -9500 71 connected" ] &&
  [ "$(grep -c '|' "$TMP/table")" = 2 ] &&
  pass "snmptable: exit 0, one row: $row" ||
  fail "snmptable: exit $trc, row '$row'"

stop_agentx
stop_snmpd
stop_collectd
grep -q '\[error\]' "$R/collectd.log" && fail "collectd logged errors: $(grep '\[error\]' "$R/collectd.log")"
ep_done
