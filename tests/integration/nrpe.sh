#!/bin/sh
# NRPE on the gateway: the real nrpe (Debian's nagios-nrpe-server) in a
# namespace with the commands of edgeprobe-nrpe.cfg (as this build makes
# it, the plugins' directory pointed at a copy of the build's plugins that
# the nagios user can reach: a build under /root it cannot), and check_nrpe asking
# for them as the monitoring server would.  Each answer is what the plugin
# says when run there itself: first line and exit code, as the nagios user
# nrpe drops to; a DNS check against a local resolver is OK, the built-in
# checklist (its resolvers unreachable from the namespace, only the local
# fallback refusing) is CRITICAL; a command that is not defined is refused.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
NRPE=$(command -v nrpe || ls /usr/sbin/nrpe 2>/dev/null)
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
[ -n "$NRPE" ] || skip "needs nrpe (Debian: nagios-nrpe-server)"
[ -x "$CHECK_NRPE" ] || skip "needs check_nrpe (Debian: nagios-nrpe-plugin)"
getent passwd nagios >/dev/null || skip "needs the nagios user (nagios-nrpe-server makes it)"
ep_setup
chmod 711 "$TMP"

start_dnsmasq 127.0.0.53 --host-record=api.example.com,127.0.0.10 --local=/example.com/
cat >"$TMP/site.json" <<JSON
{ "dns": { "servers": ["127.0.0.53"], "fallback": "none",
           "names": [ { "name": "api.example.com" } ] } }
JSON
chmod 644 "$TMP/site.json"
# The shipped commands, the build's plugins, and one with the site's
# profile, as the snippet's comment tells an admin to add.
PLUGINS="$TMP/plugins"
mkdir -p "$PLUGINS"
for f in "$EP_BUILDDIR"/check_edge*; do
  [ -x "$f" ] && [ -f "$f" ] && cp "$f" "$PLUGINS/"
done
chmod 755 "$PLUGINS" "$PLUGINS"/*
sed "s|^\(command\[[a-z_]*\]=\)[^ ]*/\(check_edge[a-z_]*\)|\1$PLUGINS/\2|" \
  "$EP_BUILDDIR/edgeprobe-nrpe.cfg" >"$TMP/edgeprobe-nrpe.cfg"
echo "command[check_edge_dns_site]=$PLUGINS/check_edge_dns -P $TMP/site.json" >>"$TMP/edgeprobe-nrpe.cfg"
n=$(grep -c "^command\[check_edge[a-z_]*\]=$PLUGINS/check_edge" "$TMP/edgeprobe-nrpe.cfg")
[ "$n" = 7 ] && pass "edgeprobe-nrpe.cfg: 6 commands, and the site's" || fail "commands: $(cat "$TMP/edgeprobe-nrpe.cfg")"
cat >"$TMP/nrpe.cfg" <<CONF
pid_file=$TMP/nrpe.pid
server_address=127.0.0.1
server_port=5666
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
command_timeout=60
connection_timeout=300
disable_syslog=1
include=$TMP/edgeprobe-nrpe.cfg
CONF
ip netns exec "$NS" "$NRPE" -c "$TMP/nrpe.cfg" -f >"$TMP/nrpe.out" 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 127.0.0.1 5666

# nrpe_vs_direct COMMAND DIRECT-ARGV...: check_nrpe's answer and the
# plugin's own, their first lines alike but for the figures measured.
nrpe_vs_direct() {
  c=$1
  shift
  via=$(ns "$CHECK_NRPE" -H 127.0.0.1 -t 30 -c "$c")
  via_rc=$?
  direct=$(ns su -s /bin/sh nagios -c "$*")
  direct_rc=$?
  [ "$via_rc" = "$direct_rc" ] &&
    [ "$(printf '%s\n' "$via" | head -n 1 | sed 's/[0-9][0-9.]*/N/g')" = \
      "$(printf '%s\n' "$direct" | head -n 1 | sed 's/[0-9][0-9.]*/N/g')" ] &&
    pass "check_nrpe -c $c: exit $via_rc, $(printf '%s\n' "$via" | head -n 1 | cut -c 1-120)" ||
    fail "check_nrpe -c $c: exit $via_rc '$(printf '%s\n' "$via" | head -n 1)'; directly: exit $direct_rc '$(printf '%s\n' "$direct" | head -n 1)'"
}
nrpe_vs_direct check_edge_dns_site "$PLUGINS/check_edge_dns" -P "$TMP/site.json"
[ "$via_rc" = 0 ] && pass "the site's DNS check through NRPE is OK" || fail "site DNS: exit $via_rc"
nrpe_vs_direct check_edge "$PLUGINS/check_edge"
case "$via" in "EDGE CHECKLIST CRITICAL - "*"REFUSED from fallback 127.0.0.53"*) pass "the built-in checklist, its resolvers unreachable from the namespace: CRITICAL" ;;
  *) fail "check_edge through NRPE: $(printf '%s\n' "$via" | head -n 1)" ;; esac
nrpe_vs_direct check_edge_nats "$PLUGINS/check_edge_nats"
lines=$(ns "$CHECK_NRPE" -H 127.0.0.1 -t 30 -c check_edge_verbose | wc -l)
[ "$lines" -gt 1 ] && pass "check_edge_verbose: the long output comes through ($lines lines)" ||
  fail "check_edge_verbose: $lines lines"
out=$(ns "$CHECK_NRPE" -H 127.0.0.1 -t 30 -c check_edge_nosuch 2>&1)
rc=$?
[ "$rc" = 3 ] && pass "an undefined command: exit 3, $out" || fail "undefined command: exit $rc, $out"
ep_done
