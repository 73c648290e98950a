#!/bin/sh
# Many sites, as a NOC runs them: an Icinga 2 master and an Icinga 2 agent
# at a plant, in two namespaces joined by a veth pair, with their own PKI
# (icinga2 pki) and a zone each.  The master schedules check_edge on the
# agent (command_endpoint), so the check runs from the plant's network
# position: its servers exist only in the agent's namespace.  The result
# is read back through the master's API: state, first line, the agent as
# its source; then a server at the plant stops and the master sees why.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
ICINGA2=$(command -v icinga2 || ls /usr/sbin/icinga2 2>/dev/null)
[ -n "$ICINGA2" ] || skip "needs icinga2"
for c in curl jq nats-server dnsmasq; do
  command -v $c >/dev/null || skip "needs $c"
done
extra_ns agent || skip "cannot create a namespace"
in_agent() { ip netns exec "$NS-agent" "$@"; }
ip link add icmaster netns "$NS" type veth peer name icagent netns "$NS-agent"
ns ip addr add 10.99.0.1/24 dev icmaster
ns ip link set icmaster up
in_agent ip addr add 10.99.0.2/24 dev icagent
in_agent ip link set icagent up

# The plant's servers, in the agent's namespace only.
in_agent ip addr add 127.0.0.53/8 dev lo 2>/dev/null
in_agent dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.53 \
  --port=53 -k --user=root --address=/example.com/127.0.0.10 </dev/null &
ep_pids="$ep_pids $!"
printf 'server_name: "plant-4"\nlisten: "127.0.0.71:7422"\n' >"$TMP/nats.conf"
in_agent nats-server -c "$TMP/nats.conf" -P "$TMP/nats.pid" </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
cat >"$TMP/plant.json" <<JSON
{ "description": "Plant 4", "timeout": 5,
  "dns": { "servers": ["127.0.0.53"], "fallback": "none",
           "names": [ { "name": "api.example.com" } ] },
  "nats": { "targets": ["127.0.0.71:7422"] } }
JSON
chmod 755 "$TMP"

# node NAME: an Icinga 2 node's directories and its command line prefix.
node_dirs() { mkdir -p "$TMP/$1/etc" "$TMP/$1/data/certs" "$TMP/$1/log" "$TMP/$1/run"; }
icinga_in() {
  _n=$1
  shift
  "$ICINGA2" "$@" -DConfigDir="$TMP/$_n/etc" -DDataDir="$TMP/$_n/data" \
    -DLogDir="$TMP/$_n/log" -DCacheDir="$TMP/$_n/data" -DSpoolDir="$TMP/$_n/data" \
    -DInitRunDir="$TMP/$_n/run" -DZonesDir="$TMP/$_n/etc/zones.d" \
    -DRunAsUser=root -DRunAsGroup=root
}
node_dirs master
node_dirs agent

echo "# the PKI, offline: a CA on the master, a certificate per node"
icinga_in master pki new-ca >"$TMP/pki.log" 2>&1 || fail "icinga2 pki new-ca"
for n in master agent; do
  icinga_in master pki new-cert --cn "$n" --key "$TMP/$n/data/certs/$n.key" \
    --csr "$TMP/$n/data/certs/$n.csr" >>"$TMP/pki.log" 2>&1 &&
    icinga_in master pki sign-csr --csr "$TMP/$n/data/certs/$n.csr" \
      --cert "$TMP/$n/data/certs/$n.crt" >>"$TMP/pki.log" 2>&1 &&
    cp "$TMP/master/data/ca/ca.crt" "$TMP/$n/data/certs/ca.crt" ||
    fail "certificate for $n: $(cat "$TMP/pki.log")"
done
[ -s "$TMP/agent/data/certs/agent.crt" ] && pass "the agent's certificate, signed by the master's CA" ||
  fail "no agent certificate"

# zones SIDE-OF-HOST: the same zones on both; the agent dials the master
# (host on one side only, or both connect and collide).
zones() {
  cat <<EOF
object Endpoint "master" { $1 }
object Zone "master" { endpoints = [ "master" ] }
object Endpoint "agent" { }
object Zone "agent" { endpoints = [ "agent" ]; parent = "master" }
EOF
}
common_conf() {
  cat <<EOF
const NodeName = "$1"
const ZoneName = "$1"
const PluginDir = "$EP_BUILDDIR"
include <itl>
include <plugins>
include "$EP_SRCDIR/nagios/edgeprobe.conf"
object FileLogger "main" { path = "$TMP/$1/log/icinga2.log"; severity = "information" }
EOF
}
{
  common_conf master
  zones ''
  cat <<EOF
object ApiListener "api" { bind_host = "10.99.0.1"; bind_port = 5665 }
object ApiUser "noc" { password = "noc-pw"; permissions = [ "*" ] }
object CheckerComponent "checker" { }
object Host "plant-4" {
  check_command = "dummy"
  enable_active_checks = false
  address = "10.99.0.2"
}
object Service "edge" {
  host_name = "plant-4"
  zone = "master"
  command_endpoint = "agent"
  check_command = "edge"
  check_interval = 1h
  retry_interval = 1h
  vars.edge_profile = "$TMP/plant.json"
}
EOF
} >"$TMP/master/etc/icinga2.conf"
{
  common_conf agent
  zones 'host = "10.99.0.1"; port = 5665'
  cat <<EOF
object ApiListener "api" { bind_host = "10.99.0.2"; bind_port = 5665; accept_commands = true }
EOF
} >"$TMP/agent/etc/icinga2.conf"
for n in master agent; do
  out=$(icinga_in "$n" daemon -C -c "$TMP/$n/etc/icinga2.conf" 2>&1)
  rc=$?
  expect_rc 0
done

echo "# the master, then the agent"
ns sh -c "exec $ICINGA2 daemon -c $TMP/master/etc/icinga2.conf \
  -DConfigDir=$TMP/master/etc -DDataDir=$TMP/master/data -DLogDir=$TMP/master/log \
  -DCacheDir=$TMP/master/data -DSpoolDir=$TMP/master/data -DInitRunDir=$TMP/master/run \
  -DZonesDir=$TMP/master/etc/zones.d -DRunAsUser=root -DRunAsGroup=root" \
  </dev/null >"$TMP/master/log/stdout" 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 10.99.0.1 5665
in_agent sh -c "exec $ICINGA2 daemon -c $TMP/agent/etc/icinga2.conf \
  -DConfigDir=$TMP/agent/etc -DDataDir=$TMP/agent/data -DLogDir=$TMP/agent/log \
  -DCacheDir=$TMP/agent/data -DSpoolDir=$TMP/agent/data -DInitRunDir=$TMP/agent/run \
  -DZonesDir=$TMP/agent/etc/zones.d -DRunAsUser=root -DRunAsGroup=root" \
  </dev/null >"$TMP/agent/log/stdout" 2>&1 &
ep_pids="$ep_pids $!"

api() { ns curl -sk -u noc:noc-pw -H Accept:application/json "$@"; }
# result: the master's view of the Service's last check result, once it
# started after $since (reschedules the check until then): a run that
# began before a change and ended after it would not show the change.
result() {
  _i=0
  while [ $_i -lt 100 ]; do
    api -X POST "https://10.99.0.1:5665/v1/actions/reschedule-check" \
      -d '{"type":"Service","filter":"host.name==\"plant-4\"","force":true}' >/dev/null
    sleep 0.3
    r=$(api "https://10.99.0.1:5665/v1/objects/services?attrs=last_check_result&filter=host.name==%22plant-4%22")
    t=$(printf '%s\n' "$r" | jq -r '.results[0].attrs.last_check_result.execution_start // 0')
    awk "BEGIN { exit !($t > $since) }" && return 0
    _i=$((_i + 1))
  done
  return 1
}

echo "# the master schedules check_edge on the agent and reads its result"
since=$(date +%s.%N)
if result; then
  lcr=$(printf '%s\n' "$r" | jq '.results[0].attrs.last_check_result')
  printf '%s\n' "$lcr" | jq -e '.exit_status == 0 and .check_source == "agent"' >/dev/null &&
    pass "exit 0, run by the agent" || fail "result: $lcr"
  printf '%s\n' "$lcr" | jq -r .output | grep -q "^EDGE CHECKLIST OK - every item of the checklist OK: 1 name resolves, 1 NATS endpoint answers" &&
    pass "first line: $(printf '%s\n' "$lcr" | jq -r .output | head -n 1)" ||
    fail "output: $(printf '%s\n' "$lcr" | jq -r .output)"
  printf '%s\n' "$lcr" | jq -r .output | grep -q "^\[OK\] NATS: 127\.0\.0\.71:7422 NATS 2\.9\.[0-9]* client listener N[A-Z0-9]* (plant-4): PONG" &&
    pass "the plant's NATS server answered the agent" || fail "no PONG from plant-4"
  printf '%s\n' "$lcr" | jq -e '.performance_data | any(startswith("nats_failing=0"))' >/dev/null &&
    pass "perfdata reached the master" || fail "perfdata: $(printf '%s\n' "$lcr" | jq -c .performance_data)"
else
  fail "no result on the master: $r"
  tail -n 20 "$TMP/master/log/icinga2.log" "$TMP/agent/log/icinga2.log"
fi

echo "# the plant's NATS server stops: the master sees CRITICAL and why"
kill "$(cat "$TMP/nats.pid")"
since=$(date +%s.%N)
sleep 1
if result; then
  lcr=$(printf '%s\n' "$r" | jq '.results[0].attrs.last_check_result')
  printf '%s\n' "$lcr" | jq -e '.exit_status == 2 and .check_source == "agent"' >/dev/null &&
    pass "exit 2, run by the agent" || fail "result: $lcr"
  printf '%s\n' "$lcr" | jq -r .output | head -n 1 |
    grep -q "^EDGE CHECKLIST CRITICAL - 127\.0\.0\.71:7422 connection refused *$" &&
    pass "first line names the endpoint" || fail "output: $(printf '%s\n' "$lcr" | jq -r .output)"
else
  fail "no second result on the master"
fi
ep_done
