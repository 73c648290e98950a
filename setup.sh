#!/bin/sh
# edgeprobe's set-up on Debian 12, as root:
#   ./setup.sh run    install what edgeprobe needs, build its Debian
#                     package, install it with apt-get, and run check_edge
#                     (the whole checklist) on the built-in standard profile
#   ./setup.sh test   the same set-up plus the test servers, then the whole
#                     test suite: unit and integration tests, then again
#                     under AddressSanitizer/UBSan and under valgrind
#   ./setup.sh package  the Debian package, into _deb/
# Idempotent: packages already installed are not fetched again.
set -u

here=$(cd "$(dirname "$0")" && pwd)
mode=${1:-}
jobs=$(nproc 2>/dev/null || echo 2)

# To build and run edgeprobe.
BUILD_PKGS="build-essential autoconf automake libtool pkg-config
  libc-ares-dev libjson-c-dev libssl-dev libcurl4-openssl-dev ca-certificates
  libsnmp-dev"
# To build its Debian package: debhelper, and the collectd plugin's
# headers (collectd-dev, which brings collectd-core; its service is
# disabled again).
PACKAGE_PKGS="debhelper dpkg-dev collectd-dev"
# To test it: the unit-test framework, the servers the tests start (chrony
# replaces systemd-timesyncd; its service is not started), the
# Monitoring Plugins the benchmarks compare against, Icinga 2 and Nagios to
# validate our definitions, collectd and its headers (edgeprobe.so builds
# only where they are), snmpd, its clients and snmptrapd, smilint for the
# MIB, what builds and checks the Debian package, and the tools the test
# scripts use.
TEST_PKGS="check dnsmasq-base chrony libfaketime nats-server nginx openssl
  nftables iproute2 jq valgrind cppcheck curl strace
  monitoring-plugins-basic monitoring-plugins-standard liburiparser1
  bind9-dnsutils procps util-linux icinga2-bin icinga2-common nagios4-core
  tinyproxy-bin libnginx-mod-stream collectd-core collectd-dev
  snmpd snmp snmptrapd smitools
  debhelper dpkg-dev lintian nagios-nrpe-server nagios-nrpe-plugin
  python3-pymodbus"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

usage() {
  echo "usage: $0 run|test|package|bench [ROUNDS]" >&2
  exit 2
}

missing_packages() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
      printf '%s ' "$p"
  done
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
  rc=0
  apt-get update -q || rc=$?
  # shellcheck disable=SC2086
  [ $rc = 0 ] && { apt-get install -y -q --no-install-recommends $need || rc=$?; }
  [ $created_policy = yes ] && rm -f /usr/sbin/policy-rc.d
  for unit in $(enabled_services); do
    printf '%s\n' "$enabled_before" | grep -qxF "$unit" && continue
    say "disabling $unit, enabled by its package"
    systemctl disable "$unit" >/dev/null 2>&1 || say "cannot disable $unit"
  done
  [ $rc = 0 ] || die "apt-get failed ($rc)"
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

# time_table DIR LABEL SECONDS: where a pass's time went, from the
# "# elapsed" line tests/timed.sh ends each test's log with; the whole
# table in DIR/times.txt, the slowest ten printed.
time_table() {
  sed -n 's/^\(PASS\|FAIL\|ERROR\|SKIP\|XPASS\): //p' "$here/$1/check.out" |
    while read -r t; do
      s=$(sed -n 's/^# elapsed: \([0-9.]*\) s$/\1/p' "$here/$1/${t%.sh}.log" 2>/dev/null | tail -n 1)
      printf '%7s s  %s\n' "${s:-?}" "$t"
    done | sort -rn >"$here/$1/times.txt"
  sum=$(awk '{ s += $1 } END { printf "%.0f", s }' "$here/$1/times.txt")
  say "$2: $3 s of wall time for $sum s of tests; the slowest:"
  head -n 10 "$here/$1/times.txt"
}

# check DIR LABEL [make variables...]
run_suite() {
  dir=$1
  label=$2
  shift 2
  say "make check in $dir ($label)"
  # The test programs build in parallel; the tests then run as set below.
  make -C "$here/$dir" -j"$jobs" check TESTS= >"$here/$dir/check-build.out" 2>&1 ||
    { tail -n 40 "$here/$dir/check-build.out"; die "building the tests failed in $dir"; }
  # Two tests at a time: each has its own namespace and servers; their
  # timing assertions take the best of several runs or a median.
  started=$(date +%s)
  make -C "$here/$dir" -j"$jobs" check "$@" >"$here/$dir/check.out" 2>&1
  wall=$(($(date +%s) - started))
  grep -E '^(PASS|FAIL|ERROR|SKIP|XPASS):' "$here/$dir/check.out"
  count "$dir" "$label"
  time_table "$dir" "$label" "$wall"
}

case "$mode" in
  run)
    # The Debian package, built here and installed with apt-get: every
    # part where its daemon looks (README, "Debian package").
    install_packages $BUILD_PKGS $PACKAGE_PKGS
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
    install_packages $BUILD_PKGS $TEST_PKGS
    [ "$(id -u)" = 0 ] || die "the integration tests need root (network namespaces)"
    build _build --enable-werror
    build_package
    run_suite _build "unit and integration tests"

    # variableScope is off: declarations open each function, as in c-ares
    # and chrony (STYLE.md).
    say "cppcheck"
    if cppcheck --quiet --std=c11 --enable=warning,style,performance,portability \
      --suppress=variableScope --inline-suppr --error-exitcode=1 \
      -I "$here/common" -I "$here/plugins" "$here/common" "$here/plugins" \
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

    san="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
    build _build-asan --enable-werror CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
      run_suite _build-asan "under AddressSanitizer and UBSan"

    vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=$here/tests/valgrind.supp"
    CK_FORK=no run_suite _build "under valgrind" EP_VALGRIND=yes EP_LOG_WRAPPER="$vg"

    echo
    echo "($skipped skipped)"
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
    ;;
  package)
    # The Debian package alone, into _deb/ (README, "Debian package").
    install_packages $BUILD_PKGS $PACKAGE_PKGS
    build_package
    say "built: $(cd "$here/_deb" && ls ./*.deb)"
    exit 0
    ;;
  bench)
    # The checklist, and SNMP polling of it, measured against the
    # Monitoring Plugins (bench/).
    install_packages $BUILD_PKGS $TEST_PKGS
    [ "$(id -u)" = 0 ] || die "the benchmarks need root (network namespaces)"
    build _build
    make -C "$here/_build" -j"$jobs" bench/ep-measure >/dev/null 2>&1 ||
      die "cannot build bench/ep-measure"
    sh "$here/bench/bench-edge.sh" "$here/_build" "${2:-5}" || exit $?
    sh "$here/bench/bench-machines.sh" "$here/_build" "${2:-5}" || exit $?
    sh "$here/bench/bench-snmp.sh" "$here/_build" "${2:-5}"
    exit $?
    ;;
  *)
    usage
    ;;
esac
