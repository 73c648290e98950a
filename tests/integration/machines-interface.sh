#!/bin/sh
# The machine network's interface: a gateway namespace with eno1 toward
# the plant (LAN port 1) and enp2s0 toward the internet (the default
# route), the same machine address on both sides answering differently.
# With -I eno1 the probes leave by eno1 and meet the plant's OPC UA
# server; without it, the internet side's garbage.  eno1's own state is
# judged from what the kernel says through netlink: a static address is
# OK, a lease (a finite valid lifetime) a WARNING, down or no address
# CRITICAL.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v jq >/dev/null || skip "needs jq"
extra_ns net || skip "cannot create a namespace"
extra_ns plant || skip "cannot create a namespace"
in_ns() { _n=$1; shift; ip netns exec "$NS-$_n" "$@"; }
CHECK_MACHINES="$EP_BUILDDIR/check_edge_machines"
PEER="$EP_BUILDDIR/tests/servers/ep-machine-peer"
run_machines() { run_check "$CHECK_MACHINES" "$@"; }

ip link add eno1 netns "$NS" type veth peer name gw0 netns "$NS-plant"
ip link add enp2s0 netns "$NS" type veth peer name gw1 netns "$NS-net"
ns ip addr add 10.20.0.1/24 dev eno1
ns ip addr add 192.0.2.1/24 dev enp2s0
ns ip link set eno1 up
ns ip link set enp2s0 up
in_ns plant ip addr add 10.20.0.2/24 dev gw0
in_ns plant ip link set gw0 up
in_ns net ip addr add 192.0.2.2/24 dev gw1
in_ns net ip link set gw1 up
ns ip route add default via 192.0.2.2 dev enp2s0 metric 100
ns ip route add default via 10.20.0.2 dev eno1 metric 200

# The machine, 172.16.5.31, on both sides.
in_ns plant ip addr add 172.16.5.31/32 dev lo
in_ns net ip addr add 172.16.5.31/32 dev lo
in_ns plant "$PEER" -l 172.16.5.31 -p 4840 -m opcua </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
in_ns net "$PEER" -l 172.16.5.31 -p 4840 -m garbage </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
for _w in $(seq 1 50); do
  in_ns plant ss -Hlnt | grep -q '172.16.5.31:4840' &&
    in_ns net ss -Hlnt | grep -q '172.16.5.31:4840' && break
  sleep 0.1
done
M="-H vf2=172.16.5.31:siemens-opcua"

echo "# -I eno1, a static address: the plant's controller answers, eno1 OK"
# shellcheck disable=SC2086
run_machines -I eno1 -t 3 -v $M
expect_rc 0
expect_first "^EDGE MACHINES OK - vf2 \(172\.16\.5\.31:4840, siemens-opcua\) answered: OPC UA ACK, protocol 0, buffers 65536/65536 \(connect [0-9.e-]+s, hello [0-9.e-]+s\); interface eno1 up, static address 10\.20\.0\.1/24 \|"
expect_line "^\[OK\] interface eno1 up, static address 10\.20\.0\.1/24$"
# shellcheck disable=SC2086
run_machines -I eno1 -t 3 --format json $M
j() { printf '%s' "$out" | jq -r "$1" 2>/dev/null; }
[ "$(j '.targets[0].details.kind')" = interface ] &&
  [ "$(j '.targets[0].details.addresses[0].static')" = true ] &&
  [ "$(j '.targets[0].details.addresses[0].valid_lifetime')" = null ] &&
  [ "$(j '.targets[1].details.interface')" = eno1 ] &&
  pass "JSON: the interface's addresses, the machine's interface" ||
  fail "JSON: $out"

echo "# -I by address means its interface"
# shellcheck disable=SC2086
run_machines -I 10.20.0.1 -t 3 $M
expect_rc 0
expect_first "; interface eno1 up, static address 10\.20\.0\.1/24 \|"

echo "# without -I the routing table's way (enp2s0): another peer, garbage"
# shellcheck disable=SC2086
run_machines -t 3 $M
expect_rc 1
expect_first "^EDGE MACHINES WARNING - vf2: port open, but no Siemens OPC UA answer: "
expect_no_line "interface"

echo "# eno1's address from a lease (a finite valid lifetime): WARNING"
ns ip addr change 10.20.0.1/24 dev eno1 valid_lft 3600 preferred_lft 3600
# shellcheck disable=SC2086
run_machines -I eno1 -t 3 -v $M
expect_rc 1
expect_first "^EDGE MACHINES WARNING - interface eno1 has 10\.20\.0\.1/24 from a DHCP lease \(valid 3[0-9]{3} s more\): the machine network needs a static address \(1 of 1 machines fine\) \|"
expect_line "^\[OK\] vf2 \(172\.16\.5\.31:4840, siemens-opcua\) answered: OPC UA ACK"
ns ip addr change 10.20.0.1/24 dev eno1 valid_lft forever preferred_lft forever

echo "# no carrier (the switch port is dead): CRITICAL, and the machine too"
in_ns plant ip link set gw0 down
# shellcheck disable=SC2086
run_machines -I eno1 -t 2 -v $M
expect_rc 2
expect_first "^EDGE MACHINES CRITICAL - interface eno1 is down \(no carrier, operstate (down|lowerlayerdown)\); vf2: "
in_ns plant ip link set gw0 up

echo "# eno1 administratively down: CRITICAL"
ns ip link set eno1 down
# shellcheck disable=SC2086
run_machines -I eno1 -t 2 -v $M
expect_rc 2
expect_line "^\[CRITICAL\] interface eno1 is down \(administratively down, operstate down\)$"
expect_line "^\[CRITICAL\] vf2 \(172\.16\.5\.31:4840, siemens-opcua\) network unreachable$"
ns ip link set eno1 up

echo "# eno1 without an address: CRITICAL"
ns ip addr flush dev eno1
# shellcheck disable=SC2086
run_machines -I eno1 -t 2 $M
expect_rc 2
expect_first "^EDGE MACHINES CRITICAL - interface eno1 has no IPv4 address; "
ns ip addr add 10.20.0.1/24 dev eno1
ns ip route add default via 10.20.0.2 dev eno1 metric 200

echo "# check_edge: the cloud side from enp2s0, the machines from the profile's machine_interface"
cat >"$TMP/site.json" <<JSON
{ "description": "plant 4", "machine_interface": "eno1",
  "dns": { "servers": ["192.0.2.2"], "fallback": "none", "names": [] },
  "machines": [ { "name": "vf2", "address": "172.16.5.31", "protocol": "siemens-opcua" } ] }
JSON
run_edge -P "$TMP/site.json" -I enp2s0 -t 2 -v
expect_line "^\[OK\] Machine network: vf2 \(172\.16\.5\.31:4840, siemens-opcua\) answered: OPC UA ACK, protocol 0, buffers 65536/65536 \(connect [0-9.e-]+s, hello [0-9.e-]+s\); interface eno1 up, static address 10\.20\.0\.1/24$"
expect_line "^    \[OK\] interface eno1 up, static address 10\.20\.0\.1/24$"
echo "# --machine-interface overrides it"
run_edge -P "$TMP/site.json" --machine-interface enp2s0 -t 2 -v
expect_line "^\[WARNING\] Machine network: vf2: port open, but no Siemens OPC UA answer: "

ep_done
