#!/bin/sh
# The Debian package that ./setup.sh test builds into _deb/ (from debian/
# with dpkg-buildpackage): lintian says only what docs/install.md explains;
# installed, every part is where its daemon looks, the subagent's user
# exists and its unit is not enabled; installed again over itself, a
# locally changed conffile is kept; removed, only the conffile stays;
# purged, nothing of it is left.  Skipped where the package is installed
# already (a machine's own edgeprobe is not touched).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (dpkg)"
deb=$(ls "$EP_SRCDIR"/_deb/edgeprobe_[0-9]*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || skip "no package in _deb/ (./setup.sh test builds it)"
dpkg-query -W -f='${Status}' edgeprobe 2>/dev/null | grep -q "installed" &&
  skip_by_choice "edgeprobe is installed on this machine (./setup.sh run installs it); not touching it"
for c in lintian dpkg systemctl; do command -v $c >/dev/null || skip "needs $c"; done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; dpkg -P edgeprobe >/dev/null 2>&1' EXIT

parts="/usr/lib/nagios/plugins/check_edge /usr/lib/nagios/plugins/check_edge_dns
/usr/lib/nagios/plugins/check_edge_ntp /usr/lib/nagios/plugins/check_edge_https
/usr/lib/nagios/plugins/check_edge_nats /usr/lib/nagios/plugins/check_edge_machines
/usr/sbin/edgeprobe-agentx
/usr/share/icinga2/include/plugins-contrib.d/edgeprobe.conf
/etc/nagios-plugins/config/edgeprobe-commands.cfg /etc/nagios/nrpe.d/edgeprobe-nrpe.cfg
/usr/share/edgeprobe/profiles/standard.json /usr/share/edgeprobe/profiles/govcloud.json
/usr/lib/collectd/edgeprobe.so /usr/share/snmp/mibs/EDGEPROBE-MIB.txt
/lib/systemd/system/edgeprobe-agentx.service /usr/share/man/man8/edgeprobe-agentx.8.gz
/usr/share/doc/edgeprobe/README.md.gz /usr/share/doc/edgeprobe/install.md.gz
/usr/share/doc/edgeprobe/check-plugins.md.gz /usr/share/doc/edgeprobe/icinga-nagios.md.gz
/usr/share/doc/edgeprobe/collectd.md.gz /usr/share/doc/edgeprobe/snmp.md.gz
/usr/share/doc/edgeprobe/profiles.md.gz /usr/share/doc/edgeprobe/troubleshooting.md.gz
/usr/share/doc/edgeprobe/tests.md.gz /usr/share/doc/edgeprobe/benchmarks.md.gz"
# What the machine has of ours: files, the user, the group.
leftovers() {
  for f in $parts /usr/share/edgeprobe /usr/share/doc/edgeprobe; do
    [ -e "$f" ] && echo "$f"
  done
  getent passwd edgeprobe
  getent group edgeprobe
  dpkg-query -W -f='${Status}\n' edgeprobe 2>/dev/null | grep -v "not-installed"
}
leftovers >"$TMP/before"
[ ! -s "$TMP/before" ] && pass "nothing of edgeprobe on the machine before" ||
  fail "already here: $(cat "$TMP/before")"

echo "# lintian"
changes=$(ls "$EP_SRCDIR"/_deb/edgeprobe_*.changes | head -n 1)
lintian "$changes" 2>/dev/null | sed -n 's/^\([EWIP]\): [^ ]* *[^:]*: \([a-z0-9-]*\).*/\1: \2/p' | sort -u >"$TMP/tags"
cat "$TMP/tags" | sed 's/^/#   /'
# docs/install.md's "Debian package" explains each of these.
printf 'E: bogus-mail-host\nE: bogus-mail-host-in-debian-changelog\n' >"$TMP/explained"
[ "$(cat "$TMP/tags")" = "$(cat "$TMP/explained")" ] &&
  pass "lintian: only the tags docs/install.md explains" ||
  fail "lintian tags differ from docs/install.md's: $(cat "$TMP/tags" | tr '\n' ' ')"

echo "# installed"
apt-get install -y -q --no-install-recommends "$deb" >"$TMP/install" 2>&1 &&
  pass "apt-get install $(basename "$deb")" || fail "install: $(tail -n 5 "$TMP/install")"
missing=""
for f in $parts; do [ -e "$f" ] || missing="$missing $f"; done
[ -z "$missing" ] && pass "every part where its daemon looks" || fail "missing:$missing"
v=$(/usr/lib/nagios/plugins/check_edge --version)
[ "$v" = "check_edge $(sed -n 's/^PACKAGE_VERSION = //p' "$EP_BUILDDIR/Makefile")" ] &&
  pass "$v" || fail "check_edge --version: $v"
u=$(getent passwd edgeprobe)
case "$u" in
  edgeprobe:x:*:*:*:/nonexistent:/usr/sbin/nologin) pass "system user: $u" ;;
  *) fail "user edgeprobe: '$u'" ;;
esac
[ "$(id -u edgeprobe)" -lt 1000 ] && pass "a system uid ($(id -u edgeprobe))" || fail "uid $(id -u edgeprobe)"
e=$(systemctl is-enabled edgeprobe-agentx.service 2>&1)
[ "$e" = disabled ] && pass "edgeprobe-agentx.service installed, not enabled" ||
  fail "edgeprobe-agentx.service: $e"
grep -q "^command\[check_edge\]=/usr/lib/nagios/plugins/check_edge$" /etc/nagios/nrpe.d/edgeprobe-nrpe.cfg &&
  pass "NRPE's commands name the installed plugins" || fail "nrpe: $(grep check_edge /etc/nagios/nrpe.d/edgeprobe-nrpe.cfg)"
grep -q "^ExecStart=/usr/sbin/edgeprobe-agentx -f$" /lib/systemd/system/edgeprobe-agentx.service &&
  pass "the unit runs /usr/sbin/edgeprobe-agentx" || fail "unit: $(grep ExecStart /lib/systemd/system/edgeprobe-agentx.service)"
out=$(/usr/sbin/edgeprobe-agentx -u nosuchuser 2>&1)
[ $? = 3 ] && pass "the installed subagent runs: $out" || fail "subagent: $out"

echo "# installed again over itself: a changed conffile is kept"
echo "# local change" >>/etc/nagios-plugins/config/edgeprobe-commands.cfg
dpkg -i "$deb" >"$TMP/again" 2>&1 && pass "dpkg -i again" || fail "again: $(tail -n 5 "$TMP/again")"
tail -n 1 /etc/nagios-plugins/config/edgeprobe-commands.cfg | grep -q "^# local change$" &&
  pass "the local change to the conffile is kept" || fail "conffile replaced"
getent passwd edgeprobe >/dev/null && pass "the user is still there" || fail "user gone"

echo "# removed: only the conffile stays"
dpkg -r edgeprobe >"$TMP/remove" 2>&1 && pass "dpkg -r" || fail "remove: $(tail -n 5 "$TMP/remove")"
left=$(leftovers | grep -v "^/etc/nagios-plugins/config/edgeprobe-commands.cfg$" |
  grep -v "^/etc/nagios/nrpe.d/edgeprobe-nrpe.cfg$" |
  grep -v "^edgeprobe:" | grep -v "deinstall ok config-files")
[ -z "$left" ] && [ -e /etc/nagios-plugins/config/edgeprobe-commands.cfg ] &&
  pass "removed; the conffile, the user and the package's config state remain" || fail "after remove: $left"

echo "# purged: nothing left"
dpkg -P edgeprobe >"$TMP/purge" 2>&1 && pass "dpkg -P" || fail "purge: $(tail -n 5 "$TMP/purge")"
leftovers >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" && pass "nothing of edgeprobe left: no file, user, group or package state" ||
  fail "left after purge: $(cat "$TMP/after")"
ep_done
