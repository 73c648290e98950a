#!/bin/sh
# edgeprobe's set-up on Debian 12, as root:
#   ./setup.sh run    install what edgeprobe needs, build its Debian
#                     package, install it with apt-get, and run check_edge
#                     (the whole checklist) on the built-in standard profile
#   ./setup.sh test   the same set-up plus the test servers, then the whole
#                     test suite: unit and integration tests, then again
#                     under AddressSanitizer/UBSan and under valgrind
#   ./setup.sh package  the Debian package, into _deb/
#   ./setup.sh preflight run|test|bench
#                     tries what that mode needs, installing nothing, and
#                     names each missing piece's Debian package
# Idempotent: packages already installed are not fetched again.
set -u

here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
jobs=$(nproc 2>/dev/null || echo 2)

# What each mode needs, one piece a line: the Debian package that provides
# it, then how the preflight tries it, once, as the build or the tests use
# it (a command run by the shell; prints PATTERN CMD... passes when CMD's
# output matches, whatever its exit status).  The packages to install are
# the first column: a package that no line tries is not installed, and a
# piece that a package brings only as a Recommends fails here, not
# minutes later in a test.
#
# To build edgeprobe, build its Debian package and run it.
RUN_NEEDS="
build-essential       cc --version
make                  make --version
autoconf              autoreconf --version
automake              automake --version
libtool               libtoolize --version
pkg-config            pkg-config --version
libc-ares-dev         pkg-config --exists 'libcares >= 1.16'
libjson-c-dev         pkg-config --exists 'json-c >= 0.15'
libssl-dev            pkg-config --exists 'openssl >= 3.0'
libcurl4-openssl-dev  pkg-config --exists 'libcurl >= 7.85'
libsnmp-dev           pkg-config --exists netsnmp-agent
libnl-genl-3-dev      pkg-config --exists 'libnl-genl-3.0 >= 3.5'
libsystemd-dev        pkg-config --exists 'libsystemd >= 247'
ca-certificates       test -s /etc/ssl/certs/ca-certificates.crt
git                   git --version
debhelper             prints '^Usage: dh' dh --help
dpkg-dev              dpkg-buildpackage --version
collectd-dev          test -f /usr/include/collectd/core/daemon/collectd.h
"
# To test it: the unit-test framework, the servers the tests start (chrony
# replaces systemd-timesyncd; its service is not started), Icinga 2 and
# Nagios to validate our definitions, collectd, snmpd, its clients and
# snmptrapd, smilint for the MIB, lintian and systemctl for the package,
# NRPE, the Modbus server's Python modules exactly as it imports them, a
# private dbus-daemon with python3-dbusmock for the mock ModemManager,
# ethtool to set a test link's speed and duplex, and the tools the test
# scripts use.
TEST_NEEDS="
check                 pkg-config --exists 'check >= 0.15'
dnsmasq-base          dnsmasq --version
chrony                chronyd --version
libfaketime           faketime_moves_the_clock
nats-server           nats-server --version
nginx                 nginx -v
libnginx-mod-stream   nginx_loads_stream
openssl               openssl version
nftables              nft --version
iproute2              ip -V
iproute2              ss -V
jq                    jq --version
curl                  curl --version
procps                pgrep -V
util-linux            unshare --version
mount                 mount --version
valgrind              valgrind -q --error-exitcode=99 /bin/true
cppcheck              cppcheck --version
tinyproxy-bin         tinyproxy -v
icinga2-bin           icinga2 --version
icinga2-common        test -d /usr/share/icinga2/include/plugins-contrib.d
nagios4-core          nagios4 --version
collectd-core         collectd -h
snmpd                 snmpd --version
snmp                  snmpget --version
snmptrapd             snmptrapd --version
smitools              smilint --version
lintian               lintian --version
systemd               systemctl --version
nagios-nrpe-server    prints '^Version: ' nrpe -V
nagios-nrpe-server    getent passwd nagios
nagios-nrpe-plugin    prints '^Version: ' /usr/lib/nagios/plugins/check_nrpe -V
python3               /usr/bin/python3 --version
python3-serial        /usr/bin/python3 -c 'import serial'
python3-serial-asyncio /usr/bin/python3 -c 'import serial_asyncio'
python3-pymodbus      /usr/bin/python3 -c 'import pymodbus'
python3-pymodbus      /usr/bin/python3 '$here/tests/servers/ep-modbus-server.py' --help
dbus-daemon           dbus-daemon --version
ethtool               ethtool --version
python3-dbusmock      /usr/bin/python3 -c 'import dbusmock'
"
# To benchmark it (bench/): the Monitoring Plugins it is compared with
# (check_dns runs nslookup; check_curl needs liburiparser1), and strace,
# which counts their processes.
BENCH_NEEDS="
monitoring-plugins-basic     prints '^check_tcp v' /usr/lib/nagios/plugins/check_tcp -V
monitoring-plugins-basic     prints '^check_ntp_time v' /usr/lib/nagios/plugins/check_ntp_time -V
monitoring-plugins-standard  prints '^check_dns v' /usr/lib/nagios/plugins/check_dns -V
monitoring-plugins-standard  prints '^check_curl v' /usr/lib/nagios/plugins/check_curl -V
liburiparser1                prints '^check_curl v' /usr/lib/nagios/plugins/check_curl -V
bind9-dnsutils               nslookup -version
strace                       strace -V
"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

usage() {
  echo "usage: $0 run|test|package|bench [ROUNDS]|preflight run|test|bench" >&2
  exit 2
}

missing_packages() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
      printf '%s ' "$p"
  done
}

# packages_of NEEDS...: the packages those lines name, once each.
packages_of() {
  printf '%s\n' "$@" | awk 'NF && $1 !~ /^#/ && !seen[$1]++ { print $1 }'
}

# prints PATTERN CMD...: CMD's output matches PATTERN (a check plugin's
# -V exits 3, UNKNOWN, and so does nrpe's).
prints() {
  pattern=$1
  shift
  "$@" 2>&1 | grep -q -- "$pattern"
}

# libfaketime, preloaded as the tests preload it, moves date's clock.
faketime_moves_the_clock() {
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
  [ -n "$lib" ] || { echo "no libfaketime.so.1 under /usr/lib/*/faketime"; return 1; }
  [ "$(env LD_PRELOAD="$lib" FAKETIME=@2001-02-03\ 04:05:06 date +%Y)" = 2001 ]
}

# nginx loads its stream module as https-proxy.sh's TLS proxy does.
nginx_loads_stream() {
  d=$(mktemp -d)
  printf 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;\npid %s/pid;\nevents {}\nstream {}\n' \
    "$d" >"$d/nginx.conf"
  nginx -e stderr -p "$d" -t -c "$d/nginx.conf"
  r=$?
  rm -rf "$d"
  return $r
}

# preflight NEEDS...: tries every piece once; a missing one is a line
# naming it and its package.  Fails if anything is missing.
preflight() {
  out=$(mktemp)
  printf '%s\n' "$@" | while read -r pkg try; do
    case $pkg in '' | '#'*) continue ;; esac
    if ! (eval "$try") >"$out" 2>&1 </dev/null; then
      why=$(grep . "$out" | tail -n 1 | cut -c 1-100)
      printf 'setup: missing: %s (Debian package %s)%s\n' "$try" "$pkg" "${why:+: $why}"
    fi
  done >"$out.missing"
  cat "$out.missing" >&2
  missing=$(wc -l <"$out.missing")
  rm -f "$out" "$out.missing"
  [ "$missing" = 0 ]
}

# need NEEDS...: installs their packages, then the preflight; ends the
# set-up, naming every missing piece, if anything is still missing.
need() {
  # shellcheck disable=SC2046
  install_packages $(packages_of "$@")
  install_rc=$?
  if ! preflight "$@"; then
    die "what is missing is listed above, with its Debian package; nothing was built"
  fi
  [ "$install_rc" = 0 ] || say "apt-get failed, but everything needed is here; going on"
  say "preflight: every piece tried, none missing"
}

# The systemd services enabled on this machine, one per line.
enabled_services() {
  find /etc/systemd/system -path '*.wants/*' \( -name '*.service' -o -name '*.socket' \) \
    -exec basename {} \; 2>/dev/null | sort -u
}

# apt-get starts and enables the daemons it installs (dnsmasq, nginx, ...);
# a policy-rc.d that says no keeps the test servers from running as
# services (we remove it afterwards only if we created it), and what the
# install enabled is disabled again: the tests start their own servers.
install_packages() {
  # shellcheck disable=SC2086
  need=$(missing_packages $*)
  if [ -z "$need" ]; then
    say "packages already installed"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "installing packages needs root: $need"
  say "installing with apt-get: $need"
  created_policy=no
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=yes
  fi
  export DEBIAN_FRONTEND=noninteractive
  enabled_before=$(enabled_services)
  # An interrupt must not leave the machine refusing every service start.
  [ $created_policy = yes ] && trap 'rm -f /usr/sbin/policy-rc.d; exit 130' INT TERM HUP
  rc=0
  tried_install=no
  apt-get update -q || rc=$?
  # shellcheck disable=SC2086
  [ $rc = 0 ] && { apt-get install -y -q --no-install-recommends $need || rc=$?; tried_install=yes; }
  if [ $rc = 100 ] && [ $tried_install = yes ]; then
    # One package apt cannot have fails the whole list: the rest one at a
    # time, so that the preflight names just what is really missing.
    say "installing one package at a time, to find which cannot be installed"
    for p in $need; do
      apt-get install -y -q --no-install-recommends "$p" >/dev/null 2>&1 ||
        say "apt-get cannot install $p"
    done
  fi
  [ $created_policy = yes ] && { rm -f /usr/sbin/policy-rc.d; trap - INT TERM HUP; }
  for unit in $(enabled_services); do
    printf '%s\n' "$enabled_before" | grep -qxF "$unit" && continue
    say "disabling $unit, enabled by its package"
    systemctl disable "$unit" >/dev/null 2>&1 || say "cannot disable $unit"
  done
  [ $rc = 0 ] || say "apt-get failed ($rc)"
  return $rc
}

# build DIR [configure options...]: an out-of-tree build in $here/DIR.
build() {
  dir=$1
  shift
  if [ ! -x "$here/configure" ] || [ "$here/configure.ac" -nt "$here/configure" ] ||
    [ "$here/Makefile.am" -nt "$here/configure" ]; then
    say "autoreconf"
    (cd "$here" && autoreconf -fi) || die "autoreconf failed"
  fi
  mkdir -p "$here/$dir"
  say "configure in $dir: $*"
  (cd "$here/$dir" && "$here/configure" "$@" >configure.out 2>&1) ||
    { tail -n 30 "$here/$dir/configure.out"; die "configure failed"; }
  say "make in $dir"
  make -C "$here/$dir" -j"$jobs" >"$here/$dir/make.out" 2>&1 ||
    { tail -n 40 "$here/$dir/make.out"; die "build failed in $dir"; }
}

# build_package: the Debian package from the files git tracks (or, in a
# tree without git, everything but the build directories), built in
# _deb/src so that the tree stays clean; the .deb and .changes in _deb/.
build_package() {
  say "dpkg-buildpackage in _deb"
  rm -rf "$here/_deb"
  mkdir -p "$here/_deb/src/edgeprobe"
  if [ -d "$here/.git" ]; then
    (cd "$here" && git ls-files -z | tar --null -cf - -T -) | tar -xf - -C "$here/_deb/src/edgeprobe"
  else
    (cd "$here" && tar --exclude='./_build*' --exclude=./_deb -cf - .) | tar -xf - -C "$here/_deb/src/edgeprobe"
  fi
  (cd "$here/_deb/src/edgeprobe" && dpkg-buildpackage -us -uc -b) >"$here/_deb/build.out" 2>&1 ||
    { tail -n 30 "$here/_deb/build.out"; die "dpkg-buildpackage failed"; }
  mv "$here"/_deb/src/*.deb "$here"/_deb/src/*.changes "$here"/_deb/src/*.buildinfo "$here/_deb/"
  rm -rf "$here/_deb/src"
}

passed=0
failed=0
skipped=0

# Where the set-up's time goes, step by step, for its closing lines.
step_started=$(date +%s)
step_times=""
step_done() {
  now=$(date +%s)
  step_times="$step_times  $(printf '%5d s  %s' $((now - step_started)) "$1")
"
  step_started=$now
}

# count DIR LABEL: adds a make check's results from its test-suite.log.
count() {
  log="$here/$1/test-suite.log"
  if [ ! -f "$log" ]; then
    say "$2: no test-suite.log"
    failed=$((failed + 1))
    return
  fi
  p=$(sed -n 's/^# PASS: *//p' "$log")
  f=$(sed -n 's/^# FAIL: *//p' "$log")
  e=$(sed -n 's/^# ERROR: *//p' "$log")
  x=$(sed -n 's/^# XPASS: *//p' "$log")
  s=$(sed -n 's/^# SKIP: *//p' "$log")
  f=$((${f:-0} + ${e:-0} + ${x:-0}))
  say "$2: ${p:-0} passed, $f failed, ${s:-0} skipped"
  passed=$((passed + ${p:-0}))
  failed=$((failed + f))
  skipped=$((skipped + ${s:-0}))
  if [ "$f" != 0 ]; then
    # The failing tests' logs, so CI shows why.
    for t in $(sed -n 's/^\(FAIL\|ERROR\|XPASS\): //p' "$log"); do
      echo "----- $t -----"
      sed -n '1,200p' "$here/$1/$t.log" 2>/dev/null
    done
  fi
}

# time_table DIR LABEL SECONDS TABLE: where a pass's time went, from the
# "# elapsed" line tests/timed.sh ends each test's log with; the whole
# table in TABLE, the slowest ten printed.
time_table() {
  sed -n 's/^\(PASS\|FAIL\|ERROR\|SKIP\|XPASS\): //p' "$here/$1/check.out" |
    while read -r t; do
      w=$(sed -n 's/^# elapsed: \([0-9.]*\) s, cpu \([0-9.]*\) s$/\1 \2/p' \
        "$here/$1/${t%.sh}.log" 2>/dev/null | tail -n 1)
      printf '%7s s %7s s  %s\n' "${w% *}" "${w#* }" "$t"
    done | sort -rn >"$4"
  sum=$(awk '{ s += $1 } END { printf "%.0f", s }' "$4")
  say "$2: $3 s of wall time for $sum s of tests; the slowest (wall, cpu):"
  head -n 10 "$4"
}

# run_suite DIR LABEL LANES [make variables...]: make check, LANES tests
# at a time.
run_suite() {
  dir=$1
  label=$2
  lanes=$3
  shift 3
  say "make check in $dir ($label, $lanes tests at a time)"
  # The test programs build in parallel; the tests then run as set below.
  make -C "$here/$dir" -j"$jobs" check TESTS= >"$here/$dir/check-build.out" 2>&1 ||
    { tail -n 40 "$here/$dir/check-build.out"; die "building the tests failed in $dir"; }
  # Each test has its own namespace and servers; their timing assertions
  # take the best of several runs or a median.
  started=$(date +%s)
  busy_before=$(cpu_busy)
  make -C "$here/$dir" -j"$lanes" check "$@" >"$here/$dir/check.out" 2>&1
  wall=$(($(date +%s) - started))
  busy=$(($(cpu_busy) - busy_before))
  grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$here/$dir/check.out"
  count "$dir" "$label"
  # The valgrind pass runs in the plain pass's directory: a table each.
  time_table "$dir" "$label" "$wall" "$here/$dir/times-$(printf '%s' "$label" | tr -c 'A-Za-z' '-').txt"
  # How busy the machine's cores were: a pass far from saturating them
  # mostly waits (deadlines, intervals), and could run more at a time.
  say "$label: the machine's $(nproc) cores busy $(awk -v b="$busy" -v w="$wall" -v n="$(nproc)" \
    'BEGIN { printf "%.0f", w ? 100 * b / 100 / w / n : 0 }')% during the pass"
}

# cpu_busy: the jiffies (1/100 s) all cores have spent busy since boot.
cpu_busy() {
  # %.0f: mawk prints a sum past 2^31 as 3e+09, which $((...)) rejects.
  awk '/^cpu / { printf "%.0f\n", $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

case "$mode" in
  run)
    # The Debian package, built here and installed with apt-get: every
    # part where its daemon looks (docs/install.md, "Debian package").
    need "$RUN_NEEDS"
    build_package
    deb=$(ls "$here"/_deb/edgeprobe_[0-9]*.deb | head -n 1)
    say "apt-get install $deb"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      --reinstall "$deb" >"$here/_deb/install.out" 2>&1 ||
      { tail -n 20 "$here/_deb/install.out"; die "installing the package failed"; }
    say "running /usr/lib/nagios/plugins/check_edge (built-in standard profile)"
    /usr/lib/nagios/plugins/check_edge
    exit $?
    ;;
  test)
    need "$RUN_NEEDS" "$TEST_NEEDS"
    [ "$(id -u)" = 0 ] || die "the integration tests need root (network namespaces)"
    # Everything the tests use is here now: a test that finds a piece
    # missing fails instead of skipping (tests/integration/lib.sh).
    EP_REQUIRE_ALL=yes
    export EP_REQUIRE_ALL
    step_done "packages and preflight"
    build _build --enable-werror
    step_done "build"
    build_package
    step_done "Debian package"
    # Tests at a time (docs/tests.md, "Where the time goes"): the plain and the
    # ASan passes mostly wait (deadlines, intervals, the 64 s between
    # two NTP reads), twice as many as the cores; under valgrind the tests
    # mostly compute, one a core: a third beside two delayed our own
    # processes enough to move figures the tests judge.
    waiting_lanes=$((jobs * 2))
    computing_lanes=$jobs
    run_suite _build "unit and integration tests" $waiting_lanes
    step_done "plain pass (its test programs' build included)"

    # variableScope is off: declarations open each function, as in c-ares
    # and chrony.
    say "cppcheck"
    if cppcheck --quiet --std=c11 --enable=warning,style,performance,portability \
      --suppress=variableScope --inline-suppr --error-exitcode=1 \
      -I "$here/common" -I "$here/common/core" -I "$here/common/config" -I "$here/common/net" \
      -I "$here/common/daemon" -I "$here/common/report" -I "$here/plugins" "$here/common" "$here/plugins" \
      -I "$here/snmp" "$here/nagios" "$here/collectd" "$here/snmp" "$here/tests/servers" "$here/tests/soak" "$here/bench" \
      "$here/tests/fuzz" \
      >"$here/_build/cppcheck.out" 2>&1; then
      echo "PASS: cppcheck"
      passed=$((passed + 1))
    else
      cat "$here/_build/cppcheck.out"
      echo "FAIL: cppcheck"
      failed=$((failed + 1))
    fi
    step_done "cppcheck"

    san="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
    build _build-asan --enable-werror CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined"
    step_done "build with the sanitizers"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      run_suite _build-asan "under AddressSanitizer and UBSan" $waiting_lanes
    step_done "ASan/UBSan pass"

    vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=$here/tests/valgrind.supp"
    CK_FORK=no run_suite _build "under valgrind" $computing_lanes EP_VALGRIND=yes EP_LOG_WRAPPER="$vg"
    step_done "valgrind pass"

    echo
    say "where the time went:"
    printf '%s' "$step_times"
    echo "($skipped skipped)"
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
    ;;
  package)
    # The Debian package alone, into _deb/ (docs/install.md, "Debian package").
    need "$RUN_NEEDS"
    build_package
    say "built: $(cd "$here/_deb" && ls ./*.deb)"
    exit 0
    ;;
  bench)
    # The checklist, and SNMP polling of it, measured against the
    # Monitoring Plugins (bench/).
    need "$RUN_NEEDS" "$TEST_NEEDS" "$BENCH_NEEDS"
    [ "$(id -u)" = 0 ] || die "the benchmarks need root (network namespaces)"
    build _build
    make -C "$here/_build" -j"$jobs" bench/ep-measure >/dev/null 2>&1 ||
      die "cannot build bench/ep-measure"
    sh "$here/bench/bench-edge.sh" "$here/_build" "${2:-5}" || exit $?
    sh "$here/bench/bench-https-scale.sh" "$here/_build" "${2:-5}" || exit $?
    sh "$here/bench/bench-machines.sh" "$here/_build" "${2:-5}" || exit $?
    sh "$here/bench/bench-snmp.sh" "$here/_build" "${2:-5}"
    exit $?
    ;;
  preflight)
    # What a mode needs, tried without installing anything.
    case ${2:-} in
      run | package) set -- "$RUN_NEEDS" ;;
      test) set -- "$RUN_NEEDS" "$TEST_NEEDS" ;;
      bench) set -- "$RUN_NEEDS" "$TEST_NEEDS" "$BENCH_NEEDS" ;;
      *) usage ;;
    esac
    preflight "$@" || die "what is missing is listed above, with its Debian package"
    say "preflight: every piece tried, none missing"
    exit 0
    ;;
  *)
    usage
    ;;
esac
