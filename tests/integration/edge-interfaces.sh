#!/bin/sh
# -I for every probe: a gateway namespace with two interfaces joined by
# veth pairs, eno1 toward a machine network and enp2s0 toward the
# "internet" (the default route), each side with its own servers at the
# same addresses (a resolver, an NTP server, nginx, nats-server) that
# answer differently.  With -I eno1 every probe leaves by eno1 and meets
# the plant side's servers; with -I enp2s0, or without -I, the internet
# side's.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx nats-server dnsmasq jq; do
  command -v $c >/dev/null || skip "needs $c"
done
extra_ns net || skip "cannot create a namespace"
extra_ns plant || skip "cannot create a namespace"
in_ns() { _n=$1; shift; ip netns exec "$NS-$_n" "$@"; }

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
# The internet is the default route; the plant side has one too, behind
# it, that only a socket bound to eno1 takes.
ns ip route add default via 192.0.2.2 dev enp2s0 metric 100
ns ip route add default via 10.20.0.2 dev eno1 metric 200

P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" &&
  https_leaf "$P" api ca 90 "DNS:api.machinemetrics.com" ||
  { fail "cannot make the test PKI"; ep_done; }
# side NAME HTTPS-ADDR NTP-OFFSET: one side's servers.
side() {
  _s=$1
  for a in 8.8.8.8 198.51.100.7 198.51.100.8 "$2"; do
    in_ns "$_s" ip addr add "$a/32" dev lo
  done
  in_ns "$_s" dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=8.8.8.8 \
    --port=53 -k --pid-file="$TMP/dnsmasq-$_s.pid" --user=root \
    --address=/machinemetrics.com/"$2" </dev/null &
  ep_pids="$ep_pids $!"
  in_ns "$_s" "$NTP_RESPONDER" -l 198.51.100.8 -p 123 -m good -o "$3" </dev/null >/dev/null &
  ep_pids="$ep_pids $!"
  printf 'server_name: "%s-side"\nlisten: "198.51.100.7:7422"\n' "$_s" >"$TMP/nats-$_s.conf"
  in_ns "$_s" nats-server -c "$TMP/nats-$_s.conf" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  mkdir -p "$TMP/nginx-$_s"
  cat >"$TMP/nginx-$_s/nginx.conf" <<CONF
daemon off;
user root;
pid $TMP/nginx-$_s/nginx.pid;
error_log $TMP/nginx-$_s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx-$_s/body;
  proxy_temp_path $TMP/nginx-$_s/proxy;
  fastcgi_temp_path $TMP/nginx-$_s/fastcgi;
  uwsgi_temp_path $TMP/nginx-$_s/uwsgi;
  scgi_temp_path $TMP/nginx-$_s/scgi;
  server { listen $2:443 ssl; ssl_certificate $P/api.pem; ssl_certificate_key $P/api.key;
           location / { return 200 "$_s\n"; } }
}
CONF
  in_ns "$_s" nginx -e "$TMP/nginx-$_s/error.log" -c "$TMP/nginx-$_s/nginx.conf" \
    </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  for _w in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    in_ns "$_s" ss -Hlntu | grep -q "$2:443" && in_ns "$_s" ss -Hlnt | grep -q ":7422" &&
      in_ns "$_s" ss -Hlnu | grep -q "8.8.8.8:53" && in_ns "$_s" ss -Hlnu | grep -q ":123" && break
    sleep 0.1
  done
}
side net 203.0.113.10 0.1
side plant 203.0.113.20 0.3
cat >"$TMP/site.json" <<JSON
{ "timeout": 5,
  "dns": { "servers": ["8.8.8.8"], "fallback": "none" },
  "ntp": { "servers": ["198.51.100.8"] },
  "https": { "targets": ["api.machinemetrics.com"] },
  "nats": { "targets": ["198.51.100.7:7422"] } }
JSON
EDGE="-P $TMP/site.json --cacert $P/ca.pem --expect-issuer edgeprobe --format json"

# expect_side WHAT: every probe of the last run met WHAT's servers.  The
# routes send the cloud by enp2s0: with eno1 as the company side, the
# Uplink item says so (the gateway's own software goes by enp2s0).
expect_side() {
  if [ "$1" = net ]; then a=203.0.113.10 o=0.1; else a=203.0.113.20 o=0.3; fi
  if [ "$1" = net ]; then cause=null; else cause=link.wrong_interface; fi
  printf '%s\n' "$out" | jq -e --arg a "$a" --arg s "$1-side" --arg c "$cause" '
    ([.checks.dns, .checks.ntp, .checks.https, .checks.nats] | all(.state == "OK"))
    and (.checks.uplink.targets[0].cause // "null") == $c
    and .checks.dns.targets[0].details.addresses == [$a]
    and .checks.https.targets[0].details.address == $a
    and .checks.nats.targets[0].details.server_name == $s' >/dev/null &&
    pass "$2: DNS, HTTPS and NATS met the $1 side" || fail "$2: not the $1 side: $out"
  off=$(printf '%s\n' "$out" | jq '.checks.ntp.targets[0].details.offset')
  expect_near "$off" "$o" 0.02 "$2: NTP offset (the $1 side's server)"
}

echo "# no -I: the default route, the internet side"
# shellcheck disable=SC2086
run_edge $EDGE
expect_rc 0
expect_side net "no -I"
echo "# -I enp2s0: the internet side"
# shellcheck disable=SC2086
run_edge $EDGE -I enp2s0
expect_side net "-I enp2s0"
echo "# -I eno1: the machine network's side, for every probe"
# shellcheck disable=SC2086
run_edge $EDGE -I eno1
expect_side plant "-I eno1"
echo "# -I 10.20.0.1: an address means its interface"
# shellcheck disable=SC2086
run_edge $EDGE -I 10.20.0.1
expect_side plant "-I 10.20.0.1"
echo "# the profile's interface, as -I"
jq '. + {interface: "eno1"}' "$TMP/site.json" >"$TMP/site-eno1.json"
run_edge -P "$TMP/site-eno1.json" --cacert "$P/ca.pem" --expect-issuer edgeprobe --format json
expect_side plant "profile interface eno1"
echo "# the single checks too"
run_dns -P "$TMP/site.json" -I eno1 -H api.machinemetrics.com
expect_first "^EDGE DNS OK - api\.machinemetrics\.com resolved to 203\.0\.113\.20 via 8\.8\.8\.8 in "
run_nats -H 198.51.100.7 -I eno1
expect_first "^EDGE NATS OK - 198\.51\.100\.7 NATS 2\.9\.[0-9]+ client listener N[A-Z0-9]+ \(plant-side\): PONG "
run_nats -H 198.51.100.7
expect_first "\(net-side\): PONG "
ep_done
