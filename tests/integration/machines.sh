#!/bin/sh
# check_edge_machines against real peers on the namespace's loopback: a
# pymodbus server (Debian's python3-pymodbus), nginx serving an
# MTConnectDevices document for the agents, and peers of our own written
# from the published specifications for OPC UA (HEL/ACK, ERR),
# EtherNet/IP (ListIdentity) and SHDR (* PING); a peer that answers
# garbage, one that stays silent, a refused port and a blackholed one.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx nft; do
  command -v $c >/dev/null || skip "needs $c"
done
/usr/bin/python3 -c 'import pymodbus' 2>/dev/null || skip "needs python3-pymodbus"
CHECK_MACHINES="$EP_BUILDDIR/check_edge_machines"
PEER="$EP_BUILDDIR/tests/servers/ep-machine-peer"
run_machines() { run_check "$CHECK_MACHINES" "$@"; }

# start_peer ADDR PORT MODE [options...]: a protocol peer of ours.
start_peer() {
  _a=$1
  _p=$2
  shift 2
  ns "$PEER" -l "$_a" -p "$_p" -m "$@" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$_a" "$_p"
}

for i in 11 12 13 14 15 16 17 18 19 20 21 22 23; do ns_addr "10.20.0.$i"; done

ns /usr/bin/python3 "$EP_SRCDIR/tests/servers/ep-modbus-server.py" 10.20.0.11 502 \
  "$TMP/modbus.pid" </dev/null >"$TMP/modbus.log" 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 10.20.0.11 502 || { fail "pymodbus did not start"; cat "$TMP/modbus.log"; ep_done; }

# An MTConnect agent's probe document (MTConnectDevices, two devices).
mkdir -p "$TMP/www"
cat >"$TMP/www/probe" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:1.3">
  <Header creationTime="2026-12-01T00:00:00Z" sender="agent" instanceId="1"
          version="1.3.0" bufferSize="131072" assetBufferSize="1024" assetCount="0"/>
  <Devices>
    <Device id="vf2" name="VF2" uuid="HAAS-VF2-1"><Components/></Device>
    <Device id="st10" name="ST10" uuid="HAAS-ST10-1"><Components/></Device>
  </Devices>
</MTConnectDevices>
XML
# (start_https_nginx takes any server blocks; these are plain HTTP.)
start_https_nginx "  server { listen 10.20.0.12:5000; listen 10.20.0.13:8082;
           location = /probe { default_type application/xml; alias $TMP/www/probe; } }
  server { listen 10.20.0.19:5000; return 404; }"
wait_tcp 10.20.0.12 5000 && wait_tcp 10.20.0.13 8082 && wait_tcp 10.20.0.19 5000 ||
  { fail "nginx did not start"; ep_done; }

start_peer 10.20.0.14 4840 opcua
start_peer 10.20.0.15 49320 opcua-err
start_peer 10.20.0.16 44818 enip
start_peer 10.20.0.17 7878 shdr
start_peer 10.20.0.18 4840 garbage
start_peer 10.20.0.20 4880 silent
start_peer 10.20.0.21 8193 silent
blackhole 10.20.0.23 44818

echo "# every protocol at once: answered, wrong, silent, refused, blackholed"
run_machines -t 3 -v \
  -H mb=10.20.0.11:modbus-tcp -H agent=10.20.0.12:mtconnect-agent \
  -H haas=10.20.0.13:haas-mtconnect -H opc=10.20.0.14:siemens-opcua \
  -H kep=10.20.0.15:kepware-opcua -H plc=10.20.0.16:allen-bradley-enip \
  -H adapter=10.20.0.17:mtconnect-adapter -H junk=10.20.0.18:siemens-opcua \
  -H agent404=10.20.0.19:mtconnect-agent -H robot=10.20.0.20:fanuc-robot-opcua \
  -H focas=10.20.0.21:fanuc-focas -H press=10.20.0.22:modbus-tcp \
  -H plc2=10.20.0.23:allen-bradley-enip
expect_rc 2
# The machines that cannot be reached are named first.
expect_first "^EDGE MACHINES CRITICAL - press: connection refused; plc2: timed out connecting \(no answer to SYN: filtered\?\); "
expect_first_shorter_than 200
S='[0-9.e-]+s'
expect_line "^\[OK\] mb \(10\.20\.0\.11:502, modbus-tcp\) answered: Modbus reply, unit 1, register 0 = 1234 \(connect $S, hello $S\)$"
expect_line "^\[OK\] agent \(10\.20\.0\.12:5000, mtconnect-agent\) answered: MTConnectDevices, 2 devices \(connect $S, hello $S\)$"
expect_line "^\[OK\] haas \(10\.20\.0\.13:8082, haas-mtconnect\) answered: MTConnectDevices, 2 devices \("
expect_line "^\[OK\] opc \(10\.20\.0\.14:4840, siemens-opcua\) answered: OPC UA ACK, protocol 0, buffers 65536/65536 \("
expect_line "^\[OK\] kep \(10\.20\.0\.15:49320, kepware-opcua\) answered: OPC UA ERR 0x80830000: endpoint url rejected \("
expect_line "^\[OK\] plc \(10\.20\.0\.16:44818, allen-bradley-enip\) answered: EtherNet/IP: 1756-L71/B LOGIX5571, revision 20\.11, vendor 1 \("
expect_line "^\[OK\] adapter \(10\.20\.0\.17:7878, mtconnect-adapter\) answered: SHDR \* PONG 10000 \("
expect_line "^\[WARNING\] junk \(10\.20\.0\.18:4840, siemens-opcua\) port open, but no Siemens OPC UA answer: .*said '\\\\x00\\\\x84L"
expect_line "^\[WARNING\] agent404 \(10\.20\.0\.19:5000, mtconnect-agent\) port open, but no MTConnect agent answer: .*404"
expect_line "^\[WARNING\] robot \(10\.20\.0\.20:4880, fanuc-robot-opcua\) port open, no answer to the FANUC robot OPC UA hello by the deadline$"
expect_line "^\[OK\] focas \(10\.20\.0\.21:8193, fanuc-focas\) port open in $S \(connect only: FANUC FOCAS has no public hello\)$"
expect_line "^\[CRITICAL\] press \(10\.20\.0\.22:502, modbus-tcp\) connection refused$"
expect_line "^\[CRITICAL\] plc2 \(10\.20\.0\.23:44818, allen-bradley-enip\) timed out connecting \(no answer to SYN: filtered\?\)$"
# No control character of the garbage reaches the output.
if printf '%s' "$out" | tr -d '\n' | LC_ALL=C grep -q '[[:cntrl:]]'; then
  fail "a control character in the output"
else
  pass "the garbage is shown escaped"
fi
expect_within 3
for m in mb agent opc plc adapter; do
  v=$(perf_value "${m}_hello")
  awk "BEGIN { exit !(\"$v\" != \"U\" && \"$v\" != \"\" && $v > 0 && $v < 1) }" &&
    pass "${m}_hello = ${v}s" || fail "${m}_hello = '$v'"
done
expect_first "'press_connect'=U;;;0 'press_hello'=U;;;0"
expect_first "'focas_connect'=[0-9.e-]+s;;;0 'plc2_connect'|'focas_connect'=[0-9.e-]+s;;;0 'press"

echo "# thresholds on the connect time: -w 0.000000001 makes each answered one a WARNING"
run_machines -H mb=10.20.0.11:modbus-tcp -w 0.000000001 -c 5
expect_rc 1
expect_first "^EDGE MACHINES WARNING - mb: connect [0-9.e-]+s, over the warning threshold 0\.000000001 \|"
expect_line "^\[WARNING\] mb \(10\.20\.0\.11:502, modbus-tcp\) answered: Modbus reply, unit 1, register 0 = 1234 \(connect [0-9.e-]+s, hello [0-9.e-]+s\); connect [0-9.e-]+s, over the warning threshold 0\.000000001$"

echo "# JSON: each machine with its protocol, hello and answer; causes coded"
run_machines -t 2 --format json -H mb=10.20.0.11:modbus-tcp -H press=10.20.0.22:502 \
  -H junk=10.20.0.18:siemens-opcua
expect_rc 2
j() { printf '%s' "$out" | jq -r "$1" 2>/dev/null; }
[ "$(j '.targets[0].details.answer')" = "Modbus reply, unit 1, register 0 = 1234" ] &&
  [ "$(j '.targets[0].details.hello')" = modbus ] &&
  [ "$(j '.targets[1].cause')" = tcp.refused ] &&
  [ "$(j '.targets[1].details.protocol')" = null ] &&
  [ "$(j '.targets[1].details.port')" = 502 ] &&
  [ "$(j '.targets[2].cause')" = machine.bad_hello ] &&
  [ "$(j '.targets[2].details.answer')" = null ] &&
  pass "JSON machines: answer, hello, causes" || fail "JSON machines: $out"

echo "# check_edge: the machine network is an item of the checklist"
cat >"$TMP/site.json" <<JSON
{ "extends": "standard", "description": "plant 4",
  "machines": [ { "name": "mb", "address": "10.20.0.11", "protocol": "modbus-tcp" },
                { "name": "press", "address": "10.20.0.22", "port": 502 } ] }
JSON
run_edge -P "$TMP/site.json" -t 3 -v
expect_rc 2
expect_line "^\[CRITICAL\] Machine network: press: connection refused \(1 of 2 machines fine\)$"
expect_line "^    \[OK\] mb \(10\.20\.0\.11:502, modbus-tcp\) answered: Modbus reply"
expect_line "^    \[CRITICAL\] press \(10\.20\.0\.22:502, port 502\) connection refused$"
# The cloud side has no route here: that root cause, not the machines'.
expect_first "^EDGE CHECKLIST CRITICAL - no network: every resolver and endpoint is unreachable; press: connection refused"
expect_first "'machines_failing'=1;;;0;2"
run_edge -P "$TMP/site.json" -t 3 --format json
[ "$(j '.items[] | select(.id == "machine_network") | .total')" = 2 ] &&
  [ "$(j '[.not_checked[].id] | index("machine_network")')" = null ] &&
  [ "$(j '.checks.machines.targets[0].details.answer')" = "Modbus reply, unit 1, register 0 = 1234" ] &&
  pass "check_edge JSON: the machine_network item, checked" ||
  fail "check_edge JSON: $(j '.items')"

echo "# every item at once (a proxy too): eight items, none lost"
run_edge -P "$TMP/site.json" --proxy http://127.0.0.1:3999 -t 3
expect_rc 2
expect_line "^\[CRITICAL\] Proxy: http://127\.0\.0\.1:3999"
expect_line "^\[CRITICAL\] Machine network: press: connection refused \(1 of 2 machines fine\)$"
[ "$(printf '%s\n' "$out" | grep -c '^\[')" = 8 ] && pass "eight items" ||
  fail "$(printf '%s\n' "$out" | grep -c '^\[') items"

# A profile of the machines alone (the subagent's and collectd's): the
# standard one's cloud checks would run too.
cat >"$TMP/machines.json" <<JSON
{ "dns": { "servers": ["127.0.0.1:9"], "fallback": "none", "names": [] },
  "machines": [ { "name": "mb", "address": "10.20.0.11", "protocol": "modbus-tcp" },
                { "name": "press", "address": "10.20.0.22", "port": 502 } ] }
JSON
chmod 644 "$TMP/machines.json"

echo "# collectd: the machines' connect and hello times and states"
if command -v collectd >/dev/null && [ -f "$EP_BUILDDIR/.libs/edgeprobe.so" ]; then
  collectd_setup
  R="$TMP/collectd"
  collectd_conf "$R/collectd.conf" "$R" gw "  Profile \"$TMP/machines.json\"
  Timeout 2
  <Check \"machines\">
    Interval 3
    Target \"mb=10.20.0.11:modbus-tcp\"
    Target \"press=10.20.0.22:502\"
  </Check>"
  start_collectd "$R/collectd.conf"
  if wait_value "$R" gw/edgeprobe-machines/response_time-mb-hello 20 &&
    wait_value "$R" gw/edgeprobe-machines/gauge-press-state 10; then
    v=$(last_value "$R" gw/edgeprobe-machines/response_time-mb-connect)
    awk "BEGIN { exit !($v > 0 && $v < 1) }" && pass "collectd mb connect = ${v}s" ||
      fail "collectd mb connect = '$v'"
    [ "$(last_value "$R" gw/edgeprobe-machines/gauge-mb-state)" = 0.000000 ] &&
      [ "$(last_value "$R" gw/edgeprobe-machines/gauge-press-state)" = 2.000000 ] &&
      pass "collectd states: mb 0, press 2" ||
      fail "collectd states: $(find "$R/csv" -type f | tr '\n' ' ')"
  else
    fail "collectd values missing: $(find "$R/csv" -type f | sed "s|$R/csv/||" | tr '\n' ' ') $(grep -i "edgeprobe\|error" "$R/collectd.log" | tail -n 5)"
  fi
  stop_collectd
fi

echo "# the subagent: epMachineTable, a row per machine"
if command -v snmpd >/dev/null && [ -x "$EP_BUILDDIR/edgeprobe-agentx" ]; then
  snmp_setup
  start_snmpd
  start_agentx -P "$TMP/machines.json" -i 2 -t 1
  if wait_runs 1 30; then
    [ "$(sget EDGEPROBE-MIB::epMachineTarget.1)" = mb ] &&
      [ "$(sget EDGEPROBE-MIB::epMachineState.1)" = ok ] &&
      [ "$(sget EDGEPROBE-MIB::epMachineState.2)" = critical ] &&
      [ "$(sget EDGEPROBE-MIB::epMachineCause.2)" = tcp.refused ] &&
      pass "epMachineTable: mb ok, press critical (tcp.refused)" ||
      fail "epMachineTable: $(snmp snmpwalk -OQ EDGEPROBE-MIB::epMachineTable 2>&1)"
    v=$(sget -OU EDGEPROBE-MIB::epMachineHelloTime.1)
    case "$v" in
      *[!0-9]* | '') fail "epMachineHelloTime.1 = '$v'" ;;
      *) [ "$v" -gt 0 ] && [ "$v" -lt 1000000 ] && pass "epMachineHelloTime.1 = $v us" ||
        fail "epMachineHelloTime.1 = $v" ;;
    esac
    snmp snmpget EDGEPROBE-MIB::epMachineConnectTime.2 2>&1 | grep -q 'No Such Instance' &&
      pass "press has no connect time (noSuchInstance)" ||
      fail "epMachineConnectTime.2: $(snmp snmpget EDGEPROBE-MIB::epMachineConnectTime.2 2>&1)"
  else
    fail "no run of the subagent: $(tail -n 20 "$TMP/agentx.log")"
  fi
  stop_agentx
  stop_snmpd
fi

echo "# 50 machines, 10 of them blackholed, -t 5: every one at once, done by the deadline"
start_peer 0.0.0.0 56000 opcua
hs=""
i=1
while [ $i -le 50 ]; do
  if [ $i -le 40 ]; then a="10.21.0.$i"; else a="10.22.0.$((i - 40))"; fi
  ns_addr "$a"
  [ $i -gt 40 ] && blackhole "$a" 56000
  hs="$hs -H cnc-$i=$a:bystronic-opcua"
  i=$((i + 1))
done
# shellcheck disable=SC2086
run_machines -t 5 $hs
expect_rc 2
expect_first "^EDGE MACHINES CRITICAL - 10 of 50 machines: timed out connecting \(no answer to SYN: filtered\?\) \(cnc-41, cnc-42, cnc-43, "
expect_first_shorter_than 200
n=$(printf '%s\n' "$out" | grep -c '^\[OK\] cnc-[0-9]* (10\.21\.0\.[0-9]*:56000, bystronic-opcua) answered: OPC UA ACK')
[ "$n" = 40 ] && pass "40 machines answered OPC UA" || fail "$n machines answered, not 40"
echo "# 50 machines, 10 blackholed, -t 5: ${elapsed}s"
awk "BEGIN { exit !($elapsed >= 5) }" && pass "the blackholed waited for the deadline" ||
  fail "ended in ${elapsed}s, before the 5 s deadline"
expect_within 5.2

echo "# bad input: one line naming it, exit 3, nothing sent"
for bad in "10.20.0.11|expected ADDR:PROTOCOL or ADDR:PORT" \
  "x=10.20.0.11:lathe|unknown protocol 'lathe' \(known: allen-bradley-enip, " \
  "x=plc.plant.local:502|'plc.plant.local' is not an IP address" \
  "x=10.20.0.11:70000|'70000' is not a port" \
  "a b=10.20.0.11:502|expected NAME=ADDR:PROTOCOL or ADDR:PORT, a NAME of 1 to 63 characters"; do
  arg=${bad%%|*}
  run_machines -H "$arg"
  expect_rc 3
  expect_first "^EDGE MACHINES UNKNOWN - -H '$(printf '%s' "$arg" | sed 's/\./\\./g')': ${bad#*|}"
done
run_machines -H a=10.20.0.11:502 -H a=10.20.0.12:502
expect_rc 3
expect_first "a second machine named a"
printf '{ "machines": [ { "name": "m", "address": "10.20.0.11" } ] }' >"$TMP/bad.json"
run_machines -P "$TMP/bad.json"
expect_rc 3
expect_first "machines\[0\]: missing member \"protocol\" or \"port\""
run_edge --machine-interface nosuch0
expect_rc 3
expect_first "^EDGE CHECKLIST UNKNOWN - --machine-interface: no interface named 'nosuch0'"
run_dns --machine-interface lo -H a.example
expect_rc 3
run_machines -P standard
expect_rc 3
expect_first "no machines \(machines, or -H NAME=ADDR:PROTOCOL\)"

ep_done
