#!/bin/sh
# The uplink's route and link lookups (plugins/uplink_route.c) against the
# kernel, in a namespace of the test's own: which interface and gateway
# carry traffic to an address, what kind of link that is (a veth to a
# second namespace is Ethernet at 10000 full, a tap set to 10 half by
# ethtool is Ethernet at 10 half, a tun named wwan0 is a tunnel whatever
# its name), routes that drop (blackhole, unreachable, prohibit) and no
# route at all, and which interface has the default route.  Route
# lookups send nothing; no address outside the namespaces is used.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v ethtool >/dev/null || skip "needs ethtool"
extra_ns gw || skip "cannot create a namespace"
ROUTE_GET="$EP_BUILDDIR/tests/servers/ep-route-get"

# expect_out LINE: the tool's output has exactly this line.
expect_out() {
  if printf '%s\n' "$out" | grep -Fxq -- "$1"; then pass "$1"; else
    fail "no line '$1'"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

echo "# no route at all: the kernel's Network is unreachable"
run_check "$ROUTE_GET" 192.0.2.10 2001:db8:9::1
expect_rc 0
expect_out "192.0.2.10 error: no route to 192.0.2.10 (Network is unreachable)"
expect_out "2001:db8:9::1 error: no route to 2001:db8:9::1 (Network is unreachable)"

echo "# loopback"
run_check "$ROUTE_GET" 127.0.0.1 -d lo
expect_out "127.0.0.1 lo - loopback - -"
expect_out "default-on lo no"

echo "# a veth to the gateway's namespace, the default route via 10.77.0.2"
ip link add uplink0 netns "$NS" type veth peer name gw0 netns "$NS-gw"
ns ip addr add 10.77.0.1/24 dev uplink0
ns ip -6 addr add fd00:77::1/64 dev uplink0 nodad
ns ip link set uplink0 up
ip netns exec "$NS-gw" ip addr add 10.77.0.2/24 dev gw0
ip netns exec "$NS-gw" ip link set gw0 up
ns ip route add default via 10.77.0.2 dev uplink0
ns ip -6 route add 2001:db8:5::/48 via fd00:77::2 dev uplink0
run_check "$ROUTE_GET" 192.0.2.10 10.77.0.2 2001:db8:5::1 -d uplink0
expect_out "192.0.2.10 uplink0 10.77.0.2 ethernet 10000 full"
expect_out "10.77.0.2 uplink0 - ethernet 10000 full"
expect_out "2001:db8:5::1 uplink0 fd00:77::2 ethernet 10000 full"
expect_out "default-on uplink0 yes"

echo "# a tap at 10 Mb/s half duplex (ethtool -s), routing 198.18.1.0/24"
ns ip tuntap add dev tap7 mode tap
ns ip link set tap7 up
ns ethtool -s tap7 speed 10 duplex half
ns ip route add 198.18.1.0/24 dev tap7
run_check "$ROUTE_GET" 198.18.1.5 -d tap7
expect_out "198.18.1.5 tap7 - ethernet 10 half"
expect_out "default-on tap7 no"

echo "# a tun named wwan0 is a tunnel: the name says nothing"
ns ip tuntap add dev wwan0 mode tun
ns ip link set wwan0 up
ns ip route add 198.18.2.0/24 dev wwan0
run_check "$ROUTE_GET" 198.18.2.5
if printf '%s\n' "$out" | grep -Eq '^198\.18\.2\.5 wwan0 - tunnel ([0-9]+|-) (full|half|-)$'; then
  pass "198.18.2.5 out of wwan0, a tunnel"
else
  fail "198.18.2.5 not a tunnel out of wwan0: $out"
fi

echo "# wireguard, where the kernel has the module"
if ns ip link add wg0 type wireguard 2>/dev/null; then
  ns ip link set wg0 up
  ns ip route add 198.18.6.0/24 dev wg0
  run_check "$ROUTE_GET" 198.18.6.5
  expect_out "198.18.6.5 wg0 - tunnel - -"
else
  echo "# (no wireguard module here: not tested)"
fi

echo "# routes that drop: blackhole, unreachable, prohibit"
ns ip route add blackhole 198.18.3.0/24
ns ip route add unreachable 198.18.4.0/24
ns ip route add prohibit 198.18.5.0/24
ns ip -6 route add blackhole 2001:db8:3::/48
run_check "$ROUTE_GET" 198.18.3.1 198.18.4.1 198.18.5.1 2001:db8:3::1
expect_out "198.18.3.1 error: no route to 198.18.3.1 (Invalid argument: a blackhole route)"
expect_out "198.18.4.1 error: no route to 198.18.4.1 (No route to host)"
expect_out "198.18.5.1 error: no route to 198.18.5.1 (Permission denied: a prohibit route)"
if printf '%s\n' "$out" | grep -Eq '^2001:db8:3::1 error: no route to 2001:db8:3::1 \((Invalid argument: a blackhole route|a blackhole route)\)$'; then
  pass "an IPv6 blackhole route is no route"
else
  fail "an IPv6 blackhole route: $out"
fi

echo "# a multipath default over uplink0 and uplink1: both have it"
ip link add uplink1 netns "$NS" type veth peer name gw1 netns "$NS-gw"
ns ip addr add 10.78.0.1/24 dev uplink1
ns ip link set uplink1 up
ip netns exec "$NS-gw" ip addr add 10.78.0.2/24 dev gw1
ip netns exec "$NS-gw" ip link set gw1 up
ns ip route replace default nexthop via 10.77.0.2 dev uplink0 \
  nexthop via 10.78.0.2 dev uplink1
run_check "$ROUTE_GET" -d uplink0 -d uplink1 -d tap7
expect_out "default-on uplink0 yes"
expect_out "default-on uplink1 yes"
expect_out "default-on tap7 no"

echo "# a default route in another table is not the main table's"
ns ip route del default
ns ip route add default via 10.77.0.2 dev uplink0 table 100
run_check "$ROUTE_GET" -d uplink0 -d nosuch0
expect_out "default-on uplink0 no"
expect_out "default-on nosuch0 error: no interface nosuch0"

ep_done
