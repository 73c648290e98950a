#!/bin/sh
# The shipped monitoring configuration, checked by the real daemons:
# nagios/edgeprobe.conf by icinga2 (validation, and one real check run by
# Icinga's own checker, whose command line is asserted), and
# nagios/edgeprobe-commands.cfg by nagios4 -v (and each command_line,
# expanded by hand, accepted by its plugin). Broken variants must fail.
# Every query goes to 127.0.0.1:9 or 127.0.0.2:9, where nothing listens: the
# plugin gets "connection refused" at once and says CRITICAL, which proves its
# arguments parsed (a usage error is UNKNOWN, exit 3). No network namespace;
# no proxy from the environment either (check_edge_https would use it).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"

ICINGA2=$(command -v icinga2 || ls /usr/sbin/icinga2 2>/dev/null)
NAGIOS4=$(command -v nagios4 || ls /usr/sbin/nagios4 2>/dev/null)
[ -n "$ICINGA2" ] || skip "icinga2 is not installed (Debian: icinga2-bin icinga2-common)"
[ -d /usr/share/icinga2/include/plugins-contrib.d ] ||
  skip "the Icinga Template Library is not installed (Debian: icinga2-common)"
[ -n "$NAGIOS4" ] || skip "nagios4 is not installed (Debian: nagios4-core)"
[ -x "$CHECK_DNS" ] || skip "$CHECK_DNS is not built"

CONF="$EP_SRCDIR/nagios/edgeprobe.conf"
CMDS="$EP_SRCDIR/nagios/edgeprobe-commands.cfg"

icinga_pid=""
TMP=$(mktemp -d)
# shellcheck disable=SC2317
cleanup() {
  if [ -n "$icinga_pid" ]; then stop_icinga; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A profile that sends nothing anywhere but to a dead port on loopback.
cat >"$TMP/local.json" <<EOF
{ "timeout": 2,
  "dns": { "servers": ["127.0.0.1:9"], "fallback": "none",
           "names": [ { "name": "gw.example" } ] },
  "ntp": { "servers": ["127.0.0.1:9"] },
  "nats": { "targets": ["127.0.0.1:9"] },
  "https": { "targets": ["127.0.0.1:9"] },
  "machines": [ { "name": "m", "address": "127.0.0.1", "port": 9 } ] }
EOF
# check_edge_https takes https_proxy from the environment when neither the
# profile nor the options name a proxy: none, so it connects to 127.0.0.1:9.
unset https_proxy HTTPS_PROXY

# ---------------------------------------------------------------- Icinga 2

# Every path Icinga writes or reads besides the config is in $TMP; it runs
# as whoever runs the test.
mkdir -p "$TMP/icinga/state" "$TMP/icinga/zones.d" "$TMP/state"
# Only in a subshell ($(...) or &): it execs.
icinga() {
  exec "$ICINGA2" "$@" -DConfigDir="$TMP/icinga" -DDataDir="$TMP/icinga/state" \
    -DLogDir="$TMP/icinga/state" -DCacheDir="$TMP/icinga/state" \
    -DSpoolDir="$TMP/icinga/state" -DInitRunDir="$TMP/icinga/state" \
    -DZonesDir="$TMP/icinga/zones.d" -DRunAsUser="$(id -un)" \
    -DRunAsGroup="$(id -gn)"
}

# icinga_validate FILE: sets out and rc.
icinga_validate() {
  out=$(icinga daemon -C -c "$1" 2>&1)
  rc=$?
}

# icinga_config FILE EDGEPROBE-CONF: our file, a host and two services.
icinga_config() {
  cat >"$1" <<EOF
const PluginDir = "$EP_BUILDDIR"
include <itl>
include <plugins>
include "$2"

object Host "gw1" {
  check_command = "dummy"
  enable_active_checks = false
  address = "127.0.0.1"
}

object Service "edge-dns-all" {
  host_name = "gw1"
  check_command = "edge_dns"
  check_interval = 1s
  vars.edge_dns_profile = "$TMP/local.json"
  vars.edge_dns_server = [ "127.0.0.1:9", "127.0.0.2:9" ]
  vars.edge_dns_fallback_dns = "none"
  vars.edge_dns_hostname = [ "a.example", "b.example" ]
  vars.edge_dns_expect_address = [ "192.0.2.1" ]
  vars.edge_dns_warning = "0.5"
  vars.edge_dns_critical = "2"
  vars.edge_dns_timeout = 1
  vars.edge_dns_interface = "lo"
  vars.edge_dns_format = "nagios"
  vars.edge_dns_verbose = 2
}

object Service "edge-dns-profile" {
  host_name = "gw1"
  check_command = "edge_dns"
  check_interval = 1s
  vars.edge_dns_profile = "$TMP/local.json"
}

object Service "edge-checklist" {
  host_name = "gw1"
  check_command = "edge"
  check_interval = 1s
  vars.edge_profile = "$TMP/local.json"
  vars.edge_state_dir = "$TMP/state"
  vars.edge_timeout = 1
  vars.edge_verbose = 1
}
EOF
}

echo "# icinga2: the ITL alone, to count its CheckCommands"
printf 'const PluginDir = "%s"\ninclude <itl>\ninclude <plugins>\n' "$EP_BUILDDIR" \
  >"$TMP/icinga/itl-only.conf"
icinga_validate "$TMP/icinga/itl-only.conf"
itl_commands=$(printf '%s\n' "$out" | sed -n 's/.*Instantiated \([0-9]*\) CheckCommands\..*/\1/p')
ours=$(grep -c '^object CheckCommand ' "$CONF")
if [ "$rc" = 0 ] && [ -n "$itl_commands" ] && [ "$ours" -ge 1 ]; then
  pass "the ITL has $itl_commands CheckCommands; $CONF defines $ours"
else
  fail "the ITL alone does not validate (exit $rc)"
  printf '%s\n' "$out" | sed 's/^/    /'
fi

echo "# icinga2 daemon -C: our CheckCommand, a Host and two Services"
icinga_config "$TMP/icinga/icinga2.conf" "$CONF"
icinga_validate "$TMP/icinga/icinga2.conf"
expect_rc 0
expect_line "information/ConfigItem: Instantiated 3 Services\.$"
expect_line "information/ConfigItem: Instantiated 1 Host\.$"
expect_line "information/ConfigItem: Instantiated $((itl_commands + ours)) CheckCommands\.$"
expect_line "information/cli: Finished validating the configuration file\(s\)\.$"
expect_no_line "warning/|critical/"

echo "# every CheckCommand maps --format and -v alike"
for c in $(sed -n 's/^object CheckCommand "\([a-z_]*\)".*/\1/p' "$CONF"); do
  body=$(sed -n "/^object CheckCommand \"$c\"/,/^}/p" "$CONF")
  v=${c#edge}
  printf '%s\n' "$body" | grep -q "value = \"\$edge${v}_format\\$\"" &&
    printf '%s\n' "$body" | grep -q "macro(\"\$edge${v}_verbose\\$\") == 1" &&
    pass "$c: edge${v}_format and edge${v}_verbose" || fail "$c lacks edge${v}_format or edge${v}_verbose"
done

echo "# icinga2 daemon -C: a syntax error in our file fails"
sed '$ s/^}$//' "$CONF" >"$TMP/icinga/broken-syntax.conf"
icinga_config "$TMP/icinga/broken.conf" "$TMP/icinga/broken-syntax.conf"
icinga_validate "$TMP/icinga/broken.conf"
if [ "$rc" != 0 ] && printf '%s\n' "$out" | grep -q "critical/config"; then
  pass "a missing brace fails validation (exit $rc)"
else
  fail "a missing brace: exit $rc"
  printf '%s\n' "$out" | sed 's/^/    /'
fi

echo "# icinga2 daemon -C: Services need our CheckCommand"
sed 's/^object CheckCommand "edge_dns"/object CheckCommand "edge_dns_renamed"/' "$CONF" \
  >"$TMP/icinga/renamed.conf"
icinga_config "$TMP/icinga/broken.conf" "$TMP/icinga/renamed.conf"
icinga_validate "$TMP/icinga/broken.conf"
if [ "$rc" != 0 ] && printf '%s\n' "$out" |
  grep -q "Object 'edge_dns' of type 'CheckCommand' does not exist"; then
  pass "without CheckCommand edge_dns the Services fail validation (exit $rc)"
else
  fail "without CheckCommand edge_dns: exit $rc"
  printf '%s\n' "$out" | sed 's/^/    /'
fi

# The real daemon with only its checker: it runs each Service's check once
# or more; its notice log shows the exact argv and the exit code.
stop_icinga() {
  # Its worker and process spawn helper, by pid, to see them gone too.
  kids=""
  for p in $(pgrep -P "$icinga_pid"); do kids="$kids $p $(pgrep -P "$p")"; done
  kill "$icinga_pid" 2>/dev/null
  i=0
  while kill -0 "$icinga_pid" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 "$icinga_pid" 2>/dev/null; then
    echo "# icinga2 did not stop on SIGTERM: killing it" >&2
    for p in $kids "$icinga_pid"; do kill -9 "$p" 2>/dev/null; done
  fi
  wait "$icinga_pid" 2>/dev/null
  i=0
  for p in $kids; do
    while [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
      [ $i -lt 50 ]; do
      sleep 0.1
      i=$((i + 1))
    done
  done
  icinga_pid=""
}

# ran SERVICE-ARGV-REGEX: the log has a finished run of a command line.
icinga_ran() {
  grep -E "notice/Process: PID [0-9]+ \($1\) terminated with exit code [0-9]+$" \
    "$TMP/icinga/daemon.log"
}

echo "# icinga2 daemon: the checker runs check_edge_dns with our arguments"
cp "$TMP/icinga/icinga2.conf" "$TMP/icinga/run.conf"
echo 'object CheckerComponent "checker" { }' >>"$TMP/icinga/run.conf"
# icinga execs: $! is the daemon's own pid.
icinga daemon -x notice -c "$TMP/icinga/run.conf" >"$TMP/icinga/daemon.log" 2>&1 &
icinga_pid=$!
q="'"
all_argv="${q}$EP_BUILDDIR/check_edge_dns${q} ${q}--fallback-dns${q} ${q}none${q} \
${q}--format${q} ${q}nagios${q} \
${q}-D${q} ${q}127.0.0.1:9${q} ${q}-D${q} ${q}127.0.0.2:9${q} \
${q}-H${q} ${q}a.example${q} ${q}-H${q} ${q}b.example${q} ${q}-I${q} ${q}lo${q} \
${q}-P${q} ${q}$TMP/local.json${q} ${q}-a${q} ${q}192.0.2.1${q} ${q}-c${q} ${q}2${q} \
${q}-t${q} ${q}1${q} ${q}-vv${q} ${q}-w${q} ${q}0.5${q}"
profile_argv="${q}$EP_BUILDDIR/check_edge_dns${q} ${q}-P${q} ${q}$TMP/local.json${q}"
edge_argv="${q}$EP_BUILDDIR/check_edge${q} ${q}--state-dir${q} ${q}$TMP/state${q} \
${q}-P${q} ${q}$TMP/local.json${q} ${q}-t${q} ${q}1${q} ${q}-v${q}"
# As a regular expression: the dots of the paths and addresses are literal.
# shellcheck disable=SC2016
re() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }
all_re=$(re "$all_argv")
profile_re=$(re "$profile_argv")
edge_re=$(re "$edge_argv")
i=0
while [ $i -lt 300 ]; do
  icinga_ran "$all_re" >/dev/null && icinga_ran "$profile_re" >/dev/null &&
    icinga_ran "$edge_re" >/dev/null && break
  kill -0 "$icinga_pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
stop_icinga
out=$(icinga_ran "$all_re" | head -n 1)
if printf '%s\n' "$out" | grep -q 'terminated with exit code 2$'; then
  pass "every variable set: $all_argv: exit 2"
else
  fail "every variable set: no run of $all_argv ending in exit 2"
  grep -E 'Process|critical|warning' "$TMP/icinga/daemon.log" | sed 's/^/    /'
fi
out=$(icinga_ran "$profile_re" | head -n 1)
if printf '%s\n' "$out" | grep -q 'terminated with exit code 2$'; then
  pass "only the profile set, nothing else is passed: $profile_argv: exit 2"
else
  fail "only the profile set: no run of $profile_argv ending in exit 2"
  grep -E 'Process|critical|warning' "$TMP/icinga/daemon.log" | sed 's/^/    /'
fi
out=$(icinga_ran "$edge_re" | head -n 1)
if printf '%s\n' "$out" | grep -q 'terminated with exit code 2$'; then
  pass "check_edge from CheckCommand edge: $edge_argv: exit 2"
else
  fail "check_edge: no run of $edge_argv ending in exit 2"
  grep -E 'Process|critical|warning' "$TMP/icinga/daemon.log" | sed 's/^/    /'
fi
# The check results Icinga kept (its state file, written when it stops).
state="$TMP/icinga/state/icinga2.state"
n=$(grep -o '"output":"EDGE DNS CRITICAL - [^"]*not answering' "$state" 2>/dev/null | wc -l)
if [ "$n" = 2 ] && grep -q '"output":"EDGE CHECKLIST CRITICAL - ' "$state"; then
  pass "Icinga's results: EDGE DNS CRITICAL - ... not answering (2), EDGE CHECKLIST CRITICAL"
else
  fail "Icinga's state has $n results 'EDGE DNS CRITICAL - ... not answering', expected 2"
  grep -o '"output":"[^"]*"' "$state" 2>/dev/null | sed 's/^/    /'
fi

# ---------------------------------------------------------------- Nagios 4

mkdir -p "$TMP/nagios/checkresults"

# nagios_config DIR COMMANDS-FILE
nagios_config() {
  d=$1
  cat >"$d/nagios.cfg" <<EOF
log_file=$d/nagios.log
cfg_file=$2
cfg_file=$d/objects.cfg
resource_file=$d/resource.cfg
object_cache_file=$d/objects.cache
precached_object_file=$d/objects.precache
status_file=$d/status.dat
state_retention_file=$d/retention.dat
command_file=$d/nagios.cmd
query_socket=$d/nagios.qh
check_result_path=$d/checkresults
lock_file=$d/nagios.lock
temp_file=$d/nagios.tmp
temp_path=$d
debug_file=$d/nagios.debug
nagios_user=$(id -un)
nagios_group=$(id -gn)
check_external_commands=0
EOF
  # Debian's value (nagios4 -v warns when it is unset).
  printf '%s\n' "illegal_macro_output_chars=\`~\$&|'\"<>" >>"$d/nagios.cfg"
  # shellcheck disable=SC2016
  printf '$USER1$=%s\n' "$EP_BUILDDIR" >"$d/resource.cfg"
  cat >"$d/objects.cfg" <<'EOF'
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    notify-none
    command_line    /bin/true
}
define contact {
    contact_name                    noc
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      notify-none
    service_notification_commands   notify-none
}
define host {
    host_name               gw1
    address                 127.0.0.1
    max_check_attempts      3
    check_period            24x7
    contacts                noc
    notification_interval   0
    notification_period     24x7
}
define service {
    name                    edge
    register                0
    host_name               gw1
    max_check_attempts      3
    check_interval          5
    retry_interval          1
    check_period            24x7
    contacts                noc
    notification_interval   0
    notification_period     24x7
}
define service {
    use                     edge
    service_description     edge dns
    check_command           check_edge_dns!standard
}
define service {
    use                     edge
    service_description     edge dns uplink
    check_command           check_edge_dns_iface!standard!eth0
}
define service {
    use                     edge
    service_description     edge dns plant resolvers
    check_command           check_edge_dns_names!-D 10.20.0.53 -D 10.20.1.53!-H api.example.com -H nats.example.com -a 192.0.2.1
}
define service {
    use                     edge
    service_description     edge dns resolver
    check_command           check_edge_dns_server!-H api.example.com -w 0.2 -c 1
}
define service {
    use                     edge
    service_description     edge ntp
    check_command           check_edge_ntp!standard
}
define service {
    use                     edge
    service_description     edge ntp plant servers
    check_command           check_edge_ntp_servers!-H ntp1.plant.example -H 10.20.0.123 -w 0.2 -c 0.5
}
define service {
    use                     edge
    service_description     edge nats
    check_command           check_edge_nats!standard
}
define service {
    use                     edge
    service_description     edge nats stream
    check_command           check_edge_nats_targets!-H stream.example.com -H 54.218.103.126:7422
}
define service {
    use                     edge
    service_description     edge https
    check_command           check_edge_https!standard
}
define service {
    use                     edge
    service_description     edge checklist
    check_command           check_edge!standard
}
define service {
    use                     edge
    service_description     edge checklist uplink
    check_command           check_edge_iface!standard!enp2s0
}
define service {
    use                     edge
    service_description     edge checklist through nrpe
    check_command           check_edge_nrpe!check_edge
}
define service {
    use                     edge
    service_description     edge checklist drift
    check_command           check_edge_drift!standard!/var/lib/edgeprobe
}
define service {
    use                     edge
    service_description     edge machines
    check_command           check_edge_machines!/etc/edgeprobe/plant4.json!eno1
}
define service {
    use                     edge
    service_description     edge machines press
    check_command           check_edge_machines_targets!-H press=10.20.0.40:modbus-tcp -I eno1
}
define service {
    use                     edge
    service_description     edge uplink
    check_command           check_edge_uplink!/etc/edgeprobe/plant4.json
}
define service {
    use                     edge
    service_description     edge https plant proxy
    check_command           check_edge_https_targets!-H api.example.com -H 10.20.0.80:8443 --expect-issuer Amazon --proxy http://proxy.plant.example:3128 --proxy-auth-file /etc/edgeprobe/proxy.auth
}
EOF
}

# nagios_verify DIR: sets out and rc.
nagios_verify() {
  out=$("$NAGIOS4" -v "$1/nagios.cfg" 2>&1)
  rc=$?
}

echo "# nagios4 -v: our commands, a host and a service using each of them"
nagios_config "$TMP/nagios" "$CMDS"
nagios_verify "$TMP/nagios"
expect_rc 0
expect_line "^Total Errors: +0$"
expect_line "^Total Warnings: +0$"
cmds=$(grep -c '^ *command_name ' "$CMDS")
expect_line "^	Checked $((cmds + 1)) commands\.$"
expect_line "^	Checked 17 services\.$"
# shellcheck disable=SC2013
for c in $(sed -n 's/^ *command_name *//p' "$CMDS"); do
  if grep -q "check_command *$c!" "$TMP/nagios/objects.cfg"; then
    pass "a service of the test uses $c"
  else
    fail "no service of the test uses $c: add one"
  fi
done

echo "# nagios4 -v: a service needs its command"
mkdir -p "$TMP/nagios-renamed/checkresults"
sed 's/^\( *command_name *\)check_edge_dns_names$/\1check_edge_dns_gone/' "$CMDS" \
  >"$TMP/nagios-renamed/commands.cfg"
nagios_config "$TMP/nagios-renamed" "$TMP/nagios-renamed/commands.cfg"
nagios_verify "$TMP/nagios-renamed"
if [ "$rc" != 0 ] && printf '%s\n' "$out" | grep -q "check_edge_dns_names" &&
  ! printf '%s\n' "$out" | grep -Eq "^Total Errors: +0$"; then
  pass "an undefined check_edge_dns_names fails (exit $rc)"
else
  fail "an undefined check_edge_dns_names: exit $rc"
  printf '%s\n' "$out" | sed 's/^/    /'
fi

echo "# nagios4 -v: a syntax error in our file fails"
mkdir -p "$TMP/nagios-syntax/checkresults"
sed '$ s/^}$//' "$CMDS" >"$TMP/nagios-syntax/commands.cfg"
nagios_config "$TMP/nagios-syntax" "$TMP/nagios-syntax/commands.cfg"
nagios_verify "$TMP/nagios-syntax"
if [ "$rc" != 0 ] && printf '%s\n' "$out" | grep -q "^Error"; then
  pass "a missing brace fails (exit $rc): $(printf '%s\n' "$out" | grep -m1 '^Error')"
else
  fail "a missing brace: exit $rc"
  printf '%s\n' "$out" | sed 's/^/    /'
fi

# Each command_line with the macros Nagios would substitute, split at spaces
# as Nagios splits a command line without shell characters.
echo "# each Nagios command line, expanded, is accepted by its plugin"
sample_args() {
  case $1 in
  check_edge_dns) echo "$TMP/local.json" ;;
  check_edge_dns_iface) echo "$TMP/local.json!lo" ;;
  check_edge_dns_names) echo "-D 127.0.0.1:9 -D 127.0.0.2:9!-H a.example -H b.example -a 192.0.2.1 -t 2" ;;
  check_edge_dns_server) echo "-H a.example -w 0.2 -c 1 -t 2" ;;
  check_edge_ntp) echo "$TMP/local.json" ;;
  check_edge_ntp_servers) echo "-H 127.0.0.1:9 -H 127.0.0.2:9 -t 2" ;;
  check_edge_nats) echo "$TMP/local.json" ;;
  check_edge_nats_targets) echo "-H 127.0.0.1:9 -t 2" ;;
  check_edge_https) echo "$TMP/local.json" ;;
  check_edge_https_targets) echo "-H 127.0.0.1:9 -t 2" ;;
  check_edge) echo "$TMP/local.json" ;;
  check_edge_iface) echo "$TMP/local.json!lo" ;;
  check_edge_drift) echo "$TMP/local.json!$TMP/state" ;;
  check_edge_nrpe) echo "check_edge" ;;
  check_edge_machines) echo "$TMP/local.json!lo" ;;
  check_edge_machines_targets) echo "-H m=127.0.0.1:9 -t 2" ;;
  check_edge_uplink) echo "$TMP/local.json" ;;
  *) echo "" ;;
  esac
}
awk '/^[ \t]*command_name[ \t]/ { name = $2 }
     /^[ \t]*command_line[ \t]/ { sub(/^[ \t]*command_line[ \t]+/, ""); print name "\t" $0 }' \
  "$CMDS" >"$TMP/command-lines"
while IFS='	' read -r name line; do
  args=$(sample_args "$name")
  if [ -z "$args" ]; then
    fail "$name: the test has no sample arguments for it: add them"
    continue
  fi
  cmd=$line
  n=1
  rest=$args
  while [ -n "$rest" ] || [ $n = 1 ]; do
    a=${rest%%!*}
    case $rest in *!*) rest=${rest#*!} ;; *) rest="" ;; esac
    cmd=$(printf '%s\n' "$cmd" | awk -v m="\$ARG$n\$" -v v="$a" \
      '{ while ((i = index($0, m)) > 0) $0 = substr($0, 1, i - 1) v substr($0, i + length(m)); print }')
    n=$((n + 1))
  done
  # check_nrpe is the Monitoring Plugins' own, asking the host's nrpe
  # (nrpe.sh runs a real one): here nothing listens on 127.0.0.1:5666.
  plugins=$EP_BUILDDIR
  host=127.0.0.1:9
  [ "$name" = check_edge_nrpe ] && plugins=/usr/lib/nagios/plugins && host=127.0.0.1
  cmd=$(printf '%s\n' "$cmd" | awk -v b="$plugins" -v h="$host" '
    { while ((i = index($0, "$USER1$")) > 0) $0 = substr($0, 1, i - 1) b substr($0, i + 7)
      while ((i = index($0, "$HOSTADDRESS$")) > 0) $0 = substr($0, 1, i - 1) h substr($0, i + 13)
      print }')
  case $cmd in
  *'$'*)
    fail "$name: a macro the test does not expand is left: $cmd"
    continue
    ;;
  esac
  # Nothing may leave the machine: every run has its fallback off, either by
  # the option or by our profile, and its resolvers on 127.0.0.0/8.
  case $cmd in
  *"--fallback-dns none"* | *"-P $TMP/local.json"* | *check_edge_ntp" -H 127.0.0."* | \
    */check_nrpe" -H 127.0.0.1 "* | \
    *check_edge_nats" -H 127.0.0."* | *check_edge_https" -H 127.0.0."* | \
    *check_edge_machines" -H m=127.0.0."*) ;;
  *)
    fail "$name: the expanded command might ask the system's resolver: $cmd"
    continue
    ;;
  esac
  set -f
  # shellcheck disable=SC2086
  out=$($EP_WRAPPER $cmd 2>&1)
  rc=$?
  set +f
  first=$(printf '%s\n' "$out" | head -n 1)
  if [ "$rc" = 2 ] && printf '%s\n' "$first" |
    grep -Eq '^connect to address 127\.0\.0\.1 port 5666: Connection refused$|^EDGE (DNS CRITICAL - .*not answering|NTP CRITICAL - (127\.0\.0\.1:9|2 of 2 NTP servers:) port unreachable: nothing listening|NATS CRITICAL - 127\.0\.0\.1:9 connection refused|HTTPS CRITICAL - 127\.0\.0\.1:9: connection refused|CHECKLIST CRITICAL - 127\.0\.0\.1:9 not answering \(port unreachable: nothing listening\): no name resolves|MACHINES CRITICAL - (interface lo up, static address 127\.0\.0\.1/8; )?m: connection refused|UPLINK CRITICAL - .*loss and jitter not measured: no resolver answered)'; then
    pass "$name: $cmd: exit 2, $first"
  else
    fail "$name: $cmd: exit $rc (2 expected, 3 is a usage error)"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
done <"$TMP/command-lines"
if [ "$(wc -l <"$TMP/command-lines")" = "$cmds" ]; then
  pass "all $cmds command lines expanded and run"
else
  fail "$(wc -l <"$TMP/command-lines") command lines found, $cmds command names"
fi

ep_done
