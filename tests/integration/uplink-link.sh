#!/bin/sh
# The link the cloud traffic leaves by, from the kernel's routes: the test's
# namespace is a gateway with enp2s0 toward the internet (a veth to a "net"
# namespace) and eno1 toward the plant (a veth to a "plant" namespace).  The
# profile's cloud is a literal HTTPS target and a NATS endpoint (no name to
# resolve, no DNS train): the check looks their routes up and sends nothing.
# Ethernet with its speed and duplex; a 10 Mb/s half-duplex tap (the tun
# driver takes `ethtool -s`); a link without carrier; no route; the route
# through the machine network's NIC and a default route on it; a route off
# the profile's interface; a tunnel; a cellular modem (a tun device named
# wwan0, and a ModemManager of our own on a private D-Bus) in every state
# that matters, with and without allow_cellular; a ModemManager that never
# answers; and check_edge naming a link down as the cause of everything.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v jq >/dev/null || skip "needs jq"
command -v ethtool >/dev/null || skip "needs ethtool"
command -v dbus-daemon >/dev/null || skip "needs dbus-daemon"
/usr/bin/python3 -c 'import dbusmock' 2>/dev/null || skip "needs python3-dbusmock"
extra_ns net || skip "cannot create a namespace"
extra_ns plant || skip "cannot create a namespace"
in_ns() { _n=$1; shift; ip netns exec "$NS-$_n" "$@"; }
UPLINK="$EP_BUILDDIR/check_edge_uplink"
MOCK_MM="$EP_SRCDIR/tests/servers/ep-mock-modemmanager.py"
run_uplink() { run_check "$UPLINK" "$@"; }
j() { printf '%s' "$out" | jq -r "$1" 2>/dev/null; }

ip link add enp2s0 netns "$NS" type veth peer name gw1 netns "$NS-net"
ip link add eno1 netns "$NS" type veth peer name gw0 netns "$NS-plant"
ns ip addr add 192.0.2.1/24 dev enp2s0
ns ip addr add 10.20.0.1/24 dev eno1
ns ip link set enp2s0 up
ns ip link set eno1 up
in_ns net ip addr add 192.0.2.2/24 dev gw1
in_ns net ip link set gw1 up
in_ns plant ip addr add 10.20.0.2/24 dev gw0
in_ns plant ip link set gw0 up
ns ip route add default via 192.0.2.2 dev enp2s0

# hold_tun NAME tun|tap: a tun device held open by a process of ours, so
# that it has carrier; the process reads and drops what is routed into it.
hold_tun() {
  ns /usr/bin/python3 -c '
import fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
mode = 1 if sys.argv[2] == "tun" else 2
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", sys.argv[1].encode(), mode | 0x1000))
print("ready", flush=True)
while True:
    os.read(fd, 65536)
' "$1" "$2" >"$TMP/hold-$1.out" 2>&1 &
  ep_pids="$ep_pids $!"
  for _w in $(seq 1 50); do
    grep -q ready "$TMP/hold-$1.out" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "cannot hold the $2 device $1"
}

profile() {
  cat >"$TMP/site.json" <<JSON
{ "description": "uplink-link.sh", "timeout": 5,
  "dns": { "servers": ["127.0.0.1"], "fallback": "none", "names": [] },
  "ntp": { "servers": ["127.0.0.1"] },
  "https": { "targets": ["203.0.113.10"] },
  "nats": { "targets": ["198.51.100.20:7422"] }$1 }
JSON
}
profile ''
P="-P $TMP/site.json -t $(ep_deadline 5)"

echo "# an interface that does not exist: a usage error, named"
profile ', "machine_interface": "eno9"'
# shellcheck disable=SC2086
run_uplink $P
expect_rc 3
expect_first "profile machine_interface: .*eno9"
profile ', "interface": "enp9s0"'
# shellcheck disable=SC2086
run_uplink $P
expect_rc 3
expect_first "enp9s0"
profile ''

echo "# Ethernet: the veth's 10 Gb/s full duplex, its gateway"
# shellcheck disable=SC2086
run_uplink $P
expect_rc 0
expect_first "^EDGE UPLINK OK - enp2s0 via 192\.0\.2\.2, Ethernet 10 Gb/s full duplex; "
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].details.link.interface')" = enp2s0 ] &&
  [ "$(j '.targets[0].details.link.gateway')" = 192.0.2.2 ] &&
  [ "$(j '.targets[0].details.link.kind')" = ethernet ] &&
  [ "$(j '.targets[0].details.link.speed_mbps')" = 10000 ] &&
  [ "$(j '.targets[0].details.link.duplex')" = full ] &&
  [ "$(j '.targets[0].details.link.routes | length')" = 2 ] &&
  [ "$(j '.targets[0].details.link.routes[1].endpoint')" = 198.51.100.20 ] &&
  [ "$(j '.targets[0].details.link.routes[1].interface')" = enp2s0 ] &&
  pass "JSON: interface, gateway, kind, speed, duplex, each endpoint's route" ||
  fail "JSON link: $(j '.targets[0].details.link')"

echo "# a 10 Mb/s half-duplex Ethernet uplink: WARNING"
hold_tun eth10 tap
ns ip link set eth10 up
ns ethtool -s eth10 speed 10 duplex half autoneg off
ns ip addr add 100.64.10.1/24 dev eth10
ns ip route replace default via 100.64.10.2 dev eth10
# shellcheck disable=SC2086
run_uplink $P
expect_rc 1
expect_first "^EDGE UPLINK WARNING - eth10: Ethernet 10 Mb/s half duplex \(a failed negotiation, a duplex mismatch or an old hub\), eth10 via 100\.64\.10\.2; "
expect_first "'link_speed'=10000000;;"

echo "# the profile's interface is enp2s0, the route leaves by eth10: CRITICAL"
profile ', "interface": "enp2s0"'
# shellcheck disable=SC2086
run_uplink $P
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - cloud traffic leaves through eth10, not enp2s0 \(the company side, -I or the profile's interface\), eth10 via 100\.64\.10\.2, Ethernet 10 Mb/s"
ns ip route replace default via 192.0.2.2 dev enp2s0
# shellcheck disable=SC2086
run_uplink $P
expect_rc 0
expect_first "^EDGE UPLINK OK - enp2s0 via 192\.0\.2\.2, Ethernet"

echo "# the isolated topology: a default route on the machine network's NIC"
profile ', "machine_interface": "eno1"'
ns ip route replace default via 10.20.0.2 dev eno1
# shellcheck disable=SC2086
run_uplink $P
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - cloud traffic leaves through the machine network \(eno1\), eno1 via 10\.20\.0\.2, Ethernet 10 Gb/s full duplex, default route on the machine network \(eno1\);"
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].cause')" = link.machine_network ] &&
  [ "$(j '.targets[0].details.link.machine_default_route')" = true ] &&
  pass "JSON: cause link.machine_network, machine_default_route true" ||
  fail "JSON: cause $(j '.targets[0].cause'), $(j '.targets[0].details.link.machine_default_route')"

echo "# the default route back on enp2s0, NATS's network routed via eno1"
ns ip route replace default via 192.0.2.2 dev enp2s0
ns ip route add 198.51.100.0/24 via 10.20.0.2 dev eno1
# shellcheck disable=SC2086
run_uplink $P -v
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - cloud traffic leaves through the machine network \(eno1\), enp2s0 via 192\.0\.2\.2, Ethernet 10 Gb/s full duplex, eno1 too \(1 of 2\);"
expect_line "route to 198\.51\.100\.20: eno1 via 10\.20\.0\.2"
expect_no_line "default route on the machine network"
ns ip route del 198.51.100.0/24
# shellcheck disable=SC2086
run_uplink $P
expect_rc 0

echo "# no carrier on the uplink: CRITICAL, link.down"
in_ns net ip link set gw1 down
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.state')" = CRITICAL ] && [ "$(j '.targets[0].cause')" = link.down ] &&
  pass "JSON: CRITICAL, link.down" || fail "JSON: $(j '.state') $(j '.targets[0].cause')"
# shellcheck disable=SC2086
run_uplink $P
expect_first "^EDGE UPLINK CRITICAL - enp2s0 is without carrier \(down\), enp2s0 via 192\.0\.2\.2;"
in_ns net ip link set gw1 up

echo "# no route to the cloud: CRITICAL, route.none"
ns ip route del default
# shellcheck disable=SC2086
run_uplink $P
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - no route to 203\.0\.113\.10 \(Network is unreachable\), 2 cloud addresses without a route;"
ns ip route add default via 192.0.2.2 dev enp2s0

echo "# a tunnel (a tun device, no ModemManager on the bus)"
hold_tun wwan0 tun
ns ip link set wwan0 up
ns ip addr add 100.64.0.2/32 dev wwan0
ns ip route replace default dev wwan0
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/no-such-bus"
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].state')" = OK ] &&
  [ "$(j '.targets[0].details.link.kind')" = tunnel ] &&
  [ "$(j '.targets[0].details.link.cellular.modemmanager')" = no_system_bus ] &&
  pass "JSON: a tunnel; cellular.modemmanager no_system_bus" ||
  fail "JSON: $(j '.targets[0].state') $(j '.targets[0].details.link')"

# A private system bus, and our ModemManager on it (tests/servers/
# ep-mock-modemmanager.py) for each modem state.
private_system_bus
mock_pid=""
# modem ARGS...: our ModemManager, with one modem as ARGS say.
modem() {
  [ -n "$mock_pid" ] && { kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null; }
  /usr/bin/python3 "$MOCK_MM" "$@" >"$TMP/mock.out" 2>&1 &
  mock_pid=$!
  ep_pids="$ep_pids $mock_pid"
  for _w in $(seq 1 100); do
    grep -q READY "$TMP/mock.out" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the mock ModemManager did not start: $(cat "$TMP/mock.out")"
}

echo "# a connected LTE modem on wwan0: WARNING, not supported by the vendor"
modem --port wwan0 --state connected --tech lte --operator Telekom.de \
  --registration home --quality 71 --rsrp -95 --rsrq -11 --sinr 8
# shellcheck disable=SC2086
run_uplink $P
expect_rc 1
expect_first "^EDGE UPLINK WARNING - cellular uplink \(wwan0\): not supported by the vendor, modem connected \(registration home\), LTE, Telekom\.de, signal 71%, RSRP -95 dBm, RSRQ -11 dB, SINR 8 dB; "
expect_first "'cell_rsrp'=-95;;"
expect_first "'cell_signal_quality'=71%"
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].cause')" = link.cellular_unsupported ] &&
  [ "$(j '.targets[0].details.link.kind')" = cellular ] &&
  [ "$(j '.targets[0].details.link.cellular.operator')" = Telekom.de ] &&
  [ "$(j '.targets[0].details.link.cellular.rsrp_dbm')" = -95 ] &&
  pass "JSON: cellular, its operator and RSRP, cause link.cellular_unsupported" ||
  fail "JSON: $(j '.targets[0].cause') $(j '.targets[0].details.link.cellular')"

echo "# allow_cellular: OK; a weak RSRP warns, a weaker one is critical"
profile ', "uplink": { "allow_cellular": true }'
# shellcheck disable=SC2086
run_uplink $P
expect_rc 0
expect_first "^EDGE UPLINK OK - cellular uplink \(wwan0\), modem connected"
expect_first "'cell_rsrp'=-95;-100:;-110:"
modem --port wwan0 --state connected --tech lte --operator Telekom.de \
  --registration home --quality 30 --rsrp -104 --rsrq -15 --sinr 1
# shellcheck disable=SC2086
run_uplink $P
expect_rc 1
expect_first "^EDGE UPLINK WARNING - cellular uplink \(wwan0\): RSRP -104 dBm \(weak\), modem connected"
modem --port wwan0 --state connected --tech lte --registration home \
  --quality 10 --rsrp -115
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].state')" = CRITICAL ] &&
  [ "$(j '.targets[0].cause')" = link.weak_signal ] &&
  pass "RSRP -115 dBm: CRITICAL, link.weak_signal" ||
  fail "RSRP -115: $(j '.targets[0].state') $(j '.targets[0].cause')"

echo "# a modem searching, one denied: CRITICAL, link.down"
modem --port wwan0 --state searching --tech lte --registration searching
# shellcheck disable=SC2086
run_uplink $P
expect_rc 2
expect_first "^EDGE UPLINK CRITICAL - cellular uplink \(wwan0\): modem searching \(registration searching\), LTE, "
modem --port wwan0 --state registered --tech umts --registration denied --rssi -85
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].cause')" = link.down ] &&
  [ "$(j '.targets[0].details.link.cellular.registration')" = denied ] &&
  pass "registration denied: link.down" ||
  fail "denied: $(j '.targets[0].cause') $(j '.targets[0].details.link.cellular')"

echo "# UMTS with RSSI only; a modem whose signal refresh is off"
modem --port wwan0 --state connected --tech umts --registration roaming --rssi -71
# shellcheck disable=SC2086
run_uplink $P
expect_rc 0
expect_first "^EDGE UPLINK OK - cellular uplink \(wwan0\), modem connected \(registration roaming\), UMTS[^;]*, RSSI -71 dBm; "
modem --port wwan0 --state connected --tech lte --registration home --rate0 announce --rsrp -88
# shellcheck disable=SC2086
run_uplink $P
expect_rc 0
expect_first ", RSRP -88 dBm"

echo "# ModemManager knows no modem on wwan0: a tunnel, said so"
modem --port wwan9 --state connected --tech lte --registration home --rsrp -90
# shellcheck disable=SC2086
run_uplink $P --format json
[ "$(j '.targets[0].details.link.kind')" = tunnel ] &&
  [ "$(j '.targets[0].details.link.cellular.modemmanager')" = no_modem ] &&
  pass "no modem on wwan0: tunnel, modemmanager no_modem" ||
  fail "no modem: $(j '.targets[0].details.link')"

echo "# a ModemManager that never answers: said, after 3 s, not at -t"
modem --silent
# shellcheck disable=SC2086
run_uplink -P "$TMP/site.json" -t 8
expect_within 3
[ "$rc" = 0 ] || [ "$rc" = 1 ] && pass "exit $rc, not a hang" || fail "exit $rc"
expect_first "^EDGE UPLINK OK - wwan0, tunnel, ModemManager did not answer in time"

echo "# check_edge: a modem that lost its network explains the NATS timeout"
modem --port wwan0 --state searching --tech lte --registration searching
run_edge -P "$TMP/site.json" -t "$(ep_deadline 3)"
expect_rc 2
expect_first "^EDGE CHECKLIST CRITICAL - cellular uplink \(wwan0\): modem searching \(registration searching\): it explains [0-9]+ failing targets? elsewhere"
ep_done
