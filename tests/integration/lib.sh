# Shared by the integration tests: a network namespace per test, servers
# started and stopped by the test, and assertions on the real output.
# Everything listens inside the namespace; no packet leaves it.

: "${EP_BUILDDIR:=$(pwd)}"
: "${EP_SRCDIR:=$EP_BUILDDIR}"
CHECK_DNS="$EP_BUILDDIR/check_edge_dns"
CHECK_NTP="$EP_BUILDDIR/check_edge_ntp"
CHECK_NATS="$EP_BUILDDIR/check_edge_nats"
CHECK_HTTPS="$EP_BUILDDIR/check_edge_https"
TCP_HOSTILE="$EP_BUILDDIR/tests/servers/ep-tcp-hostile"
MEASURE="$EP_BUILDDIR/bench/ep-measure"
NTP_RESPONDER="$EP_BUILDDIR/tests/servers/ep-ntp-responder"
RESPONDER="$EP_BUILDDIR/tests/servers/ep-dns-responder"
RELAY="$EP_BUILDDIR/tests/servers/ep-udp-relay"

ep_failures=0
ep_checks=0
ep_pids=""

# valgrind pass: every check binary runs under it; 99 marks its findings.
if [ -n "${EP_VALGRIND:-}" ]; then
  EP_WRAPPER="valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
--show-leak-kinds=definite --error-exitcode=99 \
--suppressions=$EP_SRCDIR/tests/valgrind.supp"
  EP_SLACK=8
else
  EP_WRAPPER=""
  EP_SLACK=1.5
fi

# ep_deadline SECONDS: the -t of a run whose TLS handshakes must all end
# before it.  Under valgrind each handshake costs tens of milliseconds of
# CPU, fifteen of them with the suite's other test beside them more than
# 2 s, so the deadline is three times as long there.
ep_deadline() {
  if [ -n "${EP_VALGRIND:-}" ]; then echo $(($1 * 3)); else echo "$1"; fi
}

# The AddressSanitizer pass: slower, and its runtime must be loaded first.
if ldd "$EP_BUILDDIR/check_edge_dns" 2>/dev/null | grep -q libasan; then
  EP_SANITIZED=yes
else
  EP_SANITIZED=""
fi

# skip WHY: this test cannot run on this machine (exit 77).  Under
# ./setup.sh test, which installed and tried everything the tests use
# (EP_REQUIRE_ALL), a missing piece is a failure, never a quiet skip.
skip() {
  if [ -n "${EP_REQUIRE_ALL:-}" ]; then
    echo "not ok - cannot run: $*"
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}

# skip_by_choice WHY: a skip that stands even there.
skip_by_choice() { echo "SKIP: $*"; exit 77; }

ep_setup() {
  [ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
  command -v ip >/dev/null || skip "needs iproute2"
  NS="ep-$(basename "$0" .sh)-$$"
  TMP=$(mktemp -d)
  trap ep_cleanup EXIT INT TERM
  ip netns add "$NS" || skip "cannot create a network namespace"
  ip netns exec "$NS" ip link set lo up
  # "system" resolvers inside the namespace are ours, never the host's.
  mkdir -p "/etc/netns/$NS"
  echo "nameserver 127.0.0.53" >"/etc/netns/$NS/resolv.conf"
}

ep_cleanup() {
  for p in $ep_pids; do kill "$p" 2>/dev/null; done
  for n in "$NS" $ep_extra_ns; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
  done
  sleep 0.1
  for n in "$NS" $ep_extra_ns; do
    for p in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns del "$n" 2>/dev/null
    rm -rf "/etc/netns/$n"
  done
  rm -rf "$TMP"
}

# extra_ns SUFFIX: another namespace, "$NS-SUFFIX", removed with the test's.
extra_ns() {
  ip netns add "$NS-$1" || return 1
  ep_extra_ns="$ep_extra_ns $NS-$1"
  ip netns exec "$NS-$1" ip link set lo up
}

ns() { ip netns exec "$NS" "$@"; }

ns_addr() { ns ip addr add "$1/32" dev lo; }

# wait_tcp ADDR PORT [RUNNER]: until something listens there (in the
# namespace RUNNER runs in; default ns, the test's).
wait_tcp() {
  _wt=0
  while [ $_wt -lt 200 ]; do
    ${3:-ns} ss -Hlnt "src $1:$2" 2>/dev/null | grep -q . && return 0
    sleep 0.05
    _wt=$((_wt + 1))
  done
  echo "nothing listens on tcp $1:$2" >&2
  return 1
}

# wait_udp ADDR PORT: until something listens there (never a fixed sleep).
wait_udp() {
  _wu=0
  while [ $_wu -lt 100 ]; do
    ns ss -Hlnu "src $1:$2" 2>/dev/null | grep -q . && return 0
    sleep 0.05
    _wu=$((_wu + 1))
  done
  echo "nothing listens on udp $1:$2" >&2
  return 1
}

# start_dnsmasq ADDR [dnsmasq options...]: an authoritative-only dnsmasq.
start_dnsmasq() {
  addr=$1
  shift
  ns dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address="$addr" \
    --port=53 -k --pid-file="$TMP/dnsmasq-$addr.pid" --user=root \
    --log-facility="$TMP/dnsmasq-$addr.log" "$@" </dev/null &
  ep_pids="$ep_pids $!"
  wait_udp "$addr" 53
}

# start_responder ADDR MODE [options...]: our own broken resolver.
start_responder() {
  addr=$1
  mode=$2
  shift 2
  ns "$RESPONDER" -l "$addr" -p 53 -m "$mode" "$@" </dev/null &
  ep_pids="$ep_pids $!"
  wait_udp "$addr" 53
}

# start_relay ADDR UPSTREAM DELAY_MS: delays each query by DELAY_MS.
start_relay() {
  ns "$RELAY" -l "$1" -p 53 -u "$2" -q 53 -d "$3" </dev/null &
  ep_pids="$ep_pids $!"
  wait_udp "$1" 53
}

# blackhole ADDR [PORT]: drop every packet to ADDR:PORT (default: DNS)
# inside the namespace.
blackhole() {
  ns nft add table inet ep 2>/dev/null
  ns nft add chain inet ep input \
    '{ type filter hook input priority filter; policy accept; }' 2>/dev/null
  ns nft add rule inet ep input ip daddr "$1" udp dport "${2:-53}" drop
  ns nft add rule inet ep input ip daddr "$1" tcp dport "${2:-53}" drop
}

# start_ntp_responder ADDR MODE [options...]: our own (hostile) NTP server;
# its request count is in $TMP/ntp-ADDR.pid.requests.
start_ntp_responder() {
  addr=$1
  mode=$2
  shift 2
  ns "$NTP_RESPONDER" -l "$addr" -p 123 -m "$mode" -P "$TMP/ntp-$addr.pid" "$@" \
    </dev/null >/dev/null &
  ep_pids="$ep_pids $!"
  wait_udp "$addr" 123
}

ntp_requests() { sed -n 's/^requests //p' "$TMP/ntp-$1.pid.requests"; }

# start_chronyd ADDR [FAKETIME]: a real chronyd serving on ADDR:123 from
# this host's clock, skewed by libfaketime when FAKETIME is given ("+3s").
start_chronyd() {
  addr=$1
  conf="$TMP/chrony-$addr.conf"
  cat >"$conf" <<CONF
bindaddress $addr
port 123
cmdport 0
bindcmdaddress /
local stratum 3
allow 127.0.0.0/8
pidfile $TMP/chronyd-$addr.pid
CONF
  if [ -n "${2:-}" ]; then
    lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
    [ -n "$lib" ] || skip "needs libfaketime"
    ns env LD_PRELOAD="$lib" FAKETIME="$2" FAKETIME_DONT_FAKE_MONOTONIC=1 \
      chronyd -x -d -u root -f "$conf" </dev/null >"$TMP/chronyd-$addr.log" 2>&1 &
  else
    ns chronyd -x -d -u root -f "$conf" </dev/null >"$TMP/chronyd-$addr.log" 2>&1 &
  fi
  ep_pids="$ep_pids $!"
  wait_udp "$addr" 123
}

# run_dns ARGS...: runs check_edge_dns in the namespace; sets out, rc,
# first (the first line) and elapsed (seconds).
run_dns() { run_check "$CHECK_DNS" "$@"; }
run_ntp() { run_check "$CHECK_NTP" "$@"; }
run_nats() { run_check "$CHECK_NATS" "$@"; }
# Under valgrind a handshake takes long: https runs get thresholds far
# from the profile's 1 s and 5 s, and tests match $HTTPS_W and $HTTPS_C.
if [ -n "${EP_VALGRIND:-}" ]; then HTTPS_W=60 HTTPS_C=120; else HTTPS_W=1 HTTPS_C=5; fi
run_https() {
  if [ -n "${EP_VALGRIND:-}" ]; then
    run_check "$CHECK_HTTPS" -w "$HTTPS_W" -c "$HTTPS_C" "$@"
  else
    run_check "$CHECK_HTTPS" "$@"
  fi
}

# This host's clock is the machine's, not the test's: in CI nothing
# disciplines it (no time daemon runs), elsewhere chrony may.  The checks
# that judge it (check_edge_ntp, check_edge, the subagent) are told to
# leave it alone, unless a test about it empties EP_CLOCK_ARG; the soaks'
# profile says "ignore_local_clock".
EP_CLOCK_ARG=--ignore-local-clock
# clock_arg COMMAND: EP_CLOCK_ARG for a command that judges the clock.
clock_arg() {
  case $1 in
    "$CHECK_NTP" | "$CHECK_EDGE") printf '%s' "$EP_CLOCK_ARG" ;;
  esac
}

run_check() {
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  # A check that hangs (a regression) fails its test instead of the
  # whole suite: no run of ours may take more than this.
  out=$(timeout -k 5 "${EP_RUN_LIMIT:-120}" ip netns exec "$NS" $EP_WRAPPER "$@" $(clock_arg "$1") 2>"$TMP/stderr")
  rc=$?
  [ "$rc" = 124 ] && fail "still running after ${EP_RUN_LIMIT:-120}s, killed: $*"
  t1=$(date +%s.%N)
  elapsed=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
  first=$(printf '%s\n' "$out" | head -n 1)
  if [ "$rc" = 99 ]; then
    fail "valgrind reported errors for: $*"
    cat "$TMP/stderr" >&2
  fi
}

pass() { ep_checks=$((ep_checks + 1)); echo "ok - $*"; }
fail() {
  ep_checks=$((ep_checks + 1))
  ep_failures=$((ep_failures + 1))
  echo "not ok - $*"
}

expect_rc() {
  if [ "$rc" = "$1" ]; then pass "exit $1"; else
    fail "exit $rc, expected $1"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

# expect_first REGEX: the first line matches (grep -E).
expect_first() {
  if printf '%s\n' "$first" | grep -Eq -- "$1"; then pass "first line ~ $1"; else
    fail "first line does not match: $1"
    echo "    got: $first"
  fi
}

# expect_first_shorter_than N: the first line's text, before its perfdata,
# has fewer than N characters (a NOC screen, an SMS).
expect_first_shorter_than() {
  n=$(printf '%s\n' "$first" | sed 's/ | .*//' | awk '{ print length($0) }')
  if [ "$n" -lt "$1" ]; then pass "first line's text is $n characters (< $1)"; else
    fail "first line's text is $n characters, not under $1"
    echo "    got: $first"
  fi
}

# expect_line REGEX: some line of the output matches.
expect_line() {
  if printf '%s\n' "$out" | grep -Eq -- "$1"; then pass "a line ~ $1"; else
    fail "no line matches: $1"
    printf '%s\n' "$out" | sed 's/^/    /'
  fi
}

expect_no_line() {
  if printf '%s\n' "$out" | grep -Eq -- "$1"; then
    fail "a line matches: $1"
    printf '%s\n' "$out" | sed 's/^/    /'
  else pass "no line ~ $1"; fi
}

# expect_within SECONDS: the run ended by then (with slack for valgrind).
expect_within() {
  limit=$(awk "BEGIN { print $1 + $EP_SLACK }")
  if awk "BEGIN { exit !($elapsed <= $limit) }"; then
    pass "ended in ${elapsed}s (limit ${limit}s)"
  else
    fail "took ${elapsed}s, more than ${limit}s"
  fi
}

# perf_value LABEL: the perfdata value of LABEL in the first line, or "".
perf_value() {
  printf '%s\n' "$first" | sed -n "s/.*'$1'=\(-\{0,1\}[0-9.]*\|U\).*/\1/p"
}

# expect_near VALUE TARGET TOLERANCE WHAT
expect_near() {
  if [ -n "$1" ] && [ "$1" != U ] &&
    awk "BEGIN { d = $1 - $2; if (d < 0) d = -d; exit !(d <= $3) }"; then
    pass "$4 = $1 (expected $2 +- $3)"
  else
    fail "$4 = '$1', expected $2 +- $3"
  fi
}

# expect_range VALUE LOW HIGH WHAT: LOW <= VALUE <= HIGH.
expect_range() {
  if [ -n "$1" ] && [ "$1" != U ] &&
    awk "BEGIN { exit !($1 >= $2 && $1 <= $3) }"; then
    pass "$4 = $1 (expected $2 to $3)"
  else
    fail "$4 = '$1', expected $2 to $3"
  fi
}

# start_nats NAME ADDR PORT [nats-server options...]: a real nats-server.
start_nats() {
  name=$1
  addr=$2
  port=$3
  shift 3
  ns nats-server -a "$addr" -p "$port" -P "$TMP/nats-$name.pid" \
    -l "$TMP/nats-$name.log" "$@" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$addr" "$port"
}

# start_tcp_hostile ADDR PORT MODE: our own hostile TCP server.
start_tcp_hostile() {
  ns "$TCP_HOSTILE" -l "$1" -p "$2" -m "$3" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$1" "$2"
}

# start_nginx ADDR PORT: a plain HTTP server, which says nothing first.
start_nginx() {
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server { listen $1:$2; return 200 "hello\n"; }
}
CONF
  ns nginx -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$1" "$2"
}

# make_pki DIR NAME IP DAYS: a test CA and a leaf for NAME and IP.
make_pki() {
  mkdir -p "$1"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/ca.key" -out "$1/ca.pem" \
    -days 30 -subj "/CN=edgeprobe test CA" >/dev/null 2>&1 &&
  openssl req -newkey rsa:2048 -nodes -keyout "$1/leaf.key" -out "$1/leaf.csr" \
    -subj "/CN=$2" >/dev/null 2>&1 &&
  printf 'subjectAltName=DNS:%s,IP:%s\n' "$2" "$3" >"$1/ext" &&
  openssl x509 -req -in "$1/leaf.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" \
    -CAcreateserial -out "$1/leaf.pem" -days "$4" -extfile "$1/ext" >/dev/null 2>&1
}

# https_leaf DIR NAME CA DAYS SANS [FAKETIME]: a leaf NAME.pem/NAME.key for
# the SANs ("DNS:a,IP:b"), signed by CA (DIR/CA.pem) for DAYS days, with
# the signing clock moved by FAKETIME ("-400d") for expired or
# not-yet-valid leaves.
https_leaf() {
  _ft=""
  if [ -n "${6:-}" ]; then
    _lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
    [ -n "$_lib" ] || return 1
    _ft="env LD_PRELOAD=$_lib FAKETIME=$6"
  fi
  openssl req -newkey rsa:2048 -nodes -keyout "$1/$2.key" -out "$1/$2.csr" \
    -subj "/CN=$2.example" >/dev/null 2>&1 &&
  printf 'subjectAltName=%s\n' "$5" >"$1/$2.ext" &&
  $_ft openssl x509 -req -in "$1/$2.csr" -CA "$1/$3.pem" -CAkey "$1/$3.key" \
    -CAcreateserial -out "$1/$2.pem" -days "$4" -extfile "$1/$2.ext" >/dev/null 2>&1
}

# https_ca DIR NAME CN: a CA of its own.
https_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/$2.key" -out "$1/$2.pem" \
    -days 3650 -subj "/CN=$3" >/dev/null 2>&1
}

# https_test_pki DIR: the https tests' CAs and leaves: a test CA, an
# "inspection" CA, a good leaf for the test names, and leaves that are
# soon to expire, expired, not yet valid, for another name, self-signed,
# or from the inspection CA.
https_test_pki() {
  mkdir -p "$1"
  _names="DNS:good.example,DNS:forbidden.example,DNS:error.example,DNS:moved.example"
  _names="$_names,DNS:endless.example,DNS:refused.example,DNS:extra.example"
  _names="$_names,DNS:slow.example,IP:127.0.0.10"
  https_ca "$1" ca "edgeprobe test CA" &&
  https_ca "$1" inspect "Plant Inspection CA" &&
  https_leaf "$1" good ca 90 "$_names" &&
  https_leaf "$1" soon ca 10 "DNS:soon.example" &&
  https_leaf "$1" expired ca 30 "DNS:expired.example" -400d &&
  https_leaf "$1" notyet ca 60 "DNS:notyet.example" +30d &&
  https_leaf "$1" other ca 90 "DNS:other.example" &&
  https_leaf "$1" inspected inspect 90 "DNS:inspected.example" &&
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/self.key" -out "$1/self.pem" \
    -days 90 -subj "/CN=self.example" -addext "subjectAltName=DNS:self.example" \
    >/dev/null 2>&1
}

# https_server ADDR CERT DIRECTIVES: an nginx server block on ADDR:443
# with the test PKI's CERT.
https_server() {
  printf '  server { listen %s:443 ssl; ssl_certificate %s/%s.pem; ssl_certificate_key %s/%s.key; %s }\n' \
    "$1" "$P" "$2" "$P" "$2" "$3"
}

# start_https_nginx CONF_SERVERS [RUNNER]: nginx with the given server
# blocks, run by RUNNER (default ns: in the test's namespace).
start_https_nginx() {
  _in=${2:-ns}
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
user root;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 256; }
http {
  access_log off;
  ssl_protocols TLSv1.2 TLSv1.3;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
$1
}
CONF
  $_in nginx -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
}

ep_done() {
  echo "# $ep_checks assertions, $ep_failures failed"
  [ "$ep_failures" = 0 ]
  exit $?
}

CHECK_EDGE="$EP_BUILDDIR/check_edge"
run_edge() { run_check "$CHECK_EDGE" "$@"; }

# public_ca CA_PEM: makes CA_PEM a CA of the "public web PKI" for the
# runs of run_public: a private /etc/ssl/certs and
# /usr/share/ca-certificates/mozilla, bind-mounted in a mount namespace
# of the run's own, hold it alone (nothing of the host's store changes).
public_ca() {
  mkdir -p "$TMP/pub/certs" "$TMP/pub/mozilla"
  cp "$1" "$TMP/pub/mozilla/edgeprobe-test.crt"
  ln -sf /usr/share/ca-certificates/mozilla/edgeprobe-test.crt \
    "$TMP/pub/certs/$(openssl x509 -hash -noout -in "$1").0"
}

# run_public CHECK ARGS...: as run_check, where public_ca's CA is public;
# EP_RUN_ENV (VAR=value ...) is set for the check alone.
run_public() {
  [ -n "${EP_VALGRIND:-}" ] && [ "$1" = "$CHECK_EDGE" ] && valgrind_profile "$@"
  # The clock starts in the namespace, right before the check's exec:
  # entering it and mounting its CA store are the test's costs, not the
  # check's, and on a loaded machine they can take a tenth of a second.
  rm -f "$TMP/pub/t0"
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  out=$(timeout -k 5 "${EP_RUN_LIMIT:-120}" ip netns exec "$NS" unshare -m sh -c \
    'mount --bind "$0/mozilla" /usr/share/ca-certificates/mozilla &&
     mount --bind "$0/certs" /etc/ssl/certs && date +%s.%N >"$0/t0" &&
     exec "$@"' \
    "$TMP/pub" env $EP_RUN_ENV $EP_WRAPPER "$@" $EP_VALGRIND_PROFILE $(clock_arg "$1") 2>"$TMP/stderr")
  rc=$?
  t1=$(date +%s.%N)
  [ -s "$TMP/pub/t0" ] && t0=$(cat "$TMP/pub/t0")
  elapsed=$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")
  first=$(printf '%s\n' "$out" | head -n 1)
  [ "$rc" = 124 ] && fail "still running after ${EP_RUN_LIMIT:-120}s, killed: $*"
  if [ "$rc" = 99 ]; then
    fail "valgrind reported errors for: $*"
    cat "$TMP/stderr" >&2
  fi
}

# The HTTPS and NATS thresholds of the built-in profiles in the figures'
# regexes: under valgrind a TLS handshake costs tens of milliseconds of
# CPU, fifteen of them more than the profile's 1 s, so check_edge on a
# built-in profile runs on a copy of it (profiles/) whose HTTPS and NATS
# thresholds are minutes: valgrind's slowness is not a finding.
if [ -n "${EP_VALGRIND:-}" ]; then
  EDGE_HTTPS_THRESHOLDS='60;120'
  EDGE_NATS_THRESHOLDS='60;120'
else
  EDGE_HTTPS_THRESHOLDS='1;5'
  EDGE_NATS_THRESHOLDS='1;5'
fi
EP_VALGRIND_PROFILE=""

# valgrind_profile CHECK_EDGE ARGS...: sets EP_VALGRIND_PROFILE to
# "-P COPY" when ARGS name no profile (the standard one) or a built-in one
# by name ("-P govcloud": the copy's option comes last and wins).
valgrind_profile() {
  _name=standard
  EP_VALGRIND_PROFILE=""
  shift
  while [ $# -gt 0 ]; do
    case $1 in
      -P | --profile) _name=$2; shift ;;
      --profile=*) _name=${1#--profile=} ;;
    esac
    shift
  done
  [ -f "$EP_SRCDIR/profiles/$_name.json" ] || return 0
  jq '.https.warning = "60" | .https.critical = "120" |
      .nats.warning = "60" | .nats.critical = "120"' \
    "$EP_SRCDIR/profiles/$_name.json" >"$TMP/valgrind-$_name.json" &&
    EP_VALGRIND_PROFILE="-P $TMP/valgrind-$_name.json"
}

# Addresses of the vendor's seed (network-requirements.txt).
SEED_NATS="54.218.103.126 52.24.16.63 52.34.161.223 35.155.82.103"
GOV_API="18.252.129.108 18.254.70.116 182.30.131.220"
GOV_BALENA=18.253.182.20

# start_nats_leaf ADDR: nats-server with a leafnode listener on ADDR:7422
# (the vendor's NATS port is nats-server's leafnode port).
start_nats_leaf() {
  # A leafnode listener closes a connection that has not authenticated
  # within 2 s ("Authentication Timeout"); under valgrind on a loaded
  # machine our CONNECT can come later than that.
  printf 'server_name: "seed-%s"\nlisten: "%s:4222"\nleafnodes { listen: "%s:7422"\n  authorization { timeout: 30 } }\n' \
    "$1" "$1" "$1" >"$TMP/leaf-$1.conf"
  ns nats-server -c "$TMP/leaf-$1.conf" -P "$TMP/nats-$1.pid" -l "$TMP/nats-$1.log" \
    </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$1" 7422
}

# seed_world: the vendor's whole standard and GovCloud world inside the
# namespace, no packet leaving it: 8.8.8.8 and 8.8.4.4 with dnsmasq
# mapping every seed name to local servers (the GovCloud names to their
# static addresses), nginx on 127.0.0.10 and those addresses with one
# certificate for every seed domain from a CA made public (public_ca),
# chronyd for the pool names on 127.0.0.14, and nats-server leafnode
# listeners on every seed NATS address.  Sets P (the PKI directory).
seed_world() {
  P="$TMP/pki"
  mkdir -p "$P"
  _names=$(jq -r '.https.targets[]' "$EP_SRCDIR/profiles/standard.json" \
    "$EP_SRCDIR/profiles/govcloud.json")
  _sans=""
  for h in $_names stream.machinemetrics-us-gov.com; do _sans="${_sans:+$_sans,}DNS:$h"; done
  https_ca "$P" ca "edgeprobe test public CA" && https_leaf "$P" seed ca 90 "$_sans" ||
    { fail "cannot make the test PKI"; return 1; }
  public_ca "$P/ca.pem"
  for a in 8.8.8.8 8.8.4.4 $SEED_NATS $GOV_API $GOV_BALENA; do ns_addr "$a"; done
  _servers=""
  for a in 127.0.0.10 $GOV_API $GOV_BALENA; do
    _servers="$_servers$(https_server "$a" seed 'location / { return 200 "ok\n"; }')
"
  done
  start_https_nginx "$_servers"
  wait_tcp 127.0.0.10 443
  start_chronyd 127.0.0.14
  for a in $SEED_NATS $GOV_API; do start_nats_leaf "$a"; done
  SEED_ZONE="--address=/machinemetrics.com/127.0.0.10 --address=/balena-cloud.com/127.0.0.10
 --address=/bugsnag.com/127.0.0.10 --address=/amazonaws.com/127.0.0.10
 --address=/pool.ntp.org/127.0.0.14 --address=/app.machinemetrics-us-gov.com/127.0.0.10"
  for h in api stream; do
    for a in $GOV_API; do SEED_ZONE="$SEED_ZONE --host-record=$h.machinemetrics-us-gov.com,$a"; done
  done
  for h in api ca cloudlink logs ocsp registry2 s3 tunnel; do
    SEED_ZONE="$SEED_ZONE --host-record=$h.balena.machinemetrics-us-gov.com,$GOV_BALENA"
  done
  # shellcheck disable=SC2086
  start_dnsmasq 8.8.8.8 $SEED_ZONE
  # shellcheck disable=SC2086
  start_dnsmasq 8.8.4.4 $SEED_ZONE
}

# stop_pidfile FILE: stops the server whose pid FILE holds, and waits.
stop_pidfile() {
  _p=$(cat "$1" 2>/dev/null) || return 0
  kill "$_p" 2>/dev/null
  _w=0
  while kill -0 "$_p" 2>/dev/null && [ $_w -lt 100 ]; do sleep 0.05; _w=$((_w + 1)); done
}

# ---- collectd: the real daemon with edgeprobe.so (collectd*.sh) ----------
COLLECTD_TYPES=/usr/share/collectd/types.db

# collectd_setup: skips without collectd or the plugin; copies the plugin
# into $TMP/plugins (collectd refuses a symlinked one) and sets COLLECTD,
# the command that runs the daemon: under the ASan pass its runtime is
# preloaded (collectd itself is not instrumented; its own leaks are not
# ours), under the valgrind pass valgrind runs it.
collectd_setup() {
  command -v collectd >/dev/null || skip "needs collectd (Debian: collectd-core)"
  [ -f "$EP_BUILDDIR/.libs/edgeprobe.so" ] || skip "edgeprobe.so is not built (collectd-dev)"
  # Its own plugins' directory, which ours is not in.
  COLLECTD_PLUGINDIR=$(collectd -h | sed -n 's/^ *Plugin directory *//p')
  mkdir -p "$TMP/plugins"
  cp "$EP_BUILDDIR/.libs/edgeprobe.so" "$TMP/plugins/edgeprobe.so"
  COLLECTD="collectd"
  if [ -n "$EP_SANITIZED" ]; then
    asan=$(ldd "$EP_BUILDDIR/check_edge_dns" | awk '/libasan/ { print $3 }')
    COLLECTD="env LD_PRELOAD=$asan ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 collectd"
  fi
  [ -n "$EP_WRAPPER" ] && COLLECTD="$EP_WRAPPER collectd"
}

# collectd_conf FILE DIR HOST [PLUGIN-BLOCK-LINES [MORE-CONFIG]]: a
# configuration with csv into DIR/csv, the log in DIR/collectd.log, our
# plugin configured with the lines given (none: not loaded), then
# MORE-CONFIG as it is.
collectd_conf() {
  mkdir -p "$2/csv"
  cat >"$1" <<CONF
Hostname "$3"
FQDNLookup false
Interval 1
BaseDir "$2"
PIDFile "$2/collectd.pid"
TypesDB "$COLLECTD_TYPES"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$2/collectd.log"
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$2/csv"
</Plugin>
CONF
  [ -n "${4:-}" ] && printf 'PluginDir "%s"\nLoadPlugin edgeprobe\n<Plugin edgeprobe>\n%s\n</Plugin>\n' \
    "$TMP/plugins" "$4" >>"$1"
  [ -n "${5:-}" ] && printf 'PluginDir "%s"\n%s\n' "$COLLECTD_PLUGINDIR" "$5" >>"$1"
  return 0
}

# start_collectd CONF [NAMESPACE]: collectd in the foreground; its output
# in CONF.out; its pid in collectd_pid.
start_collectd() {
  collectd_conf_used=$1
  # shellcheck disable=SC2086
  ip netns exec "${2:-$NS}" $COLLECTD -f -C "$1" </dev/null >"$1.out" 2>&1 &
  collectd_pid=$!
  ep_pids="$ep_pids $collectd_pid"
}

# stop_daemon PID NAME LOG: TERM, then its exit (a daemon's shutdown runs);
# a finding of valgrind's (exit 99), ASan's report or any other failed
# exit is the test's failure, with the end of LOG.
stop_daemon() {
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  _rc=$?
  [ "$_rc" = 0 ] && return 0
  fail "$2 exited $_rc: $(tail -n 40 "$3" 2>/dev/null)"
  return 1
}

stop_collectd() { stop_daemon "$collectd_pid" collectd "$collectd_conf_used.out"; }

# last_value DIR HOST/PLUGIN/TYPE-INSTANCE: the newest value in csv (a
# file a day: across midnight, the newest of both).
last_value() {
  values "$1" "$2" | tail -n 1
}

# values DIR HOST/PLUGIN/TYPE-INSTANCE: every value in csv, oldest first.
values() {
  cat "$1/csv/$2"-* 2>/dev/null | grep '^[0-9]' | cut -d, -f2
}

# collectd_alive: the last collectd started still runs.
collectd_alive() { kill -0 "$collectd_pid" 2>/dev/null; }

# wait_value DIR FILE SECONDS: until a value other than nan is there.
wait_value() {
  _i=0
  while [ $_i -lt $(($3 * 10)) ] && collectd_alive; do
    v=$(last_value "$1" "$2")
    [ -n "$v" ] && [ "$v" != nan ] && [ "$v" != value ] && return 0
    sleep 0.1
    _i=$((_i + 1))
  done
  return 1
}

# ---- snmpd, edgeprobe-agentx and snmptrapd (snmp*.sh) ---------------------
AGENTX="$EP_BUILDDIR/edgeprobe-agentx"
# Our base modules (Debian ships none), the MIB, net-snmp's own.
SNMP_MIBDIRS="$EP_SRCDIR/tests/mibs:$EP_SRCDIR/snmp:/usr/share/snmp/mibs"
EP_MIB=1.3.6.1.4.1.8072.9999.7422

# snmp_setup: skips without net-snmp's daemons or the subagent; keeps
# every file net-snmp writes in $TMP; lets the unprivileged subagent
# (nobody) reach the AgentX socket under $TMP.
snmp_setup() {
  for c in snmpd snmpget snmpwalk snmptrapd; do
    command -v $c >/dev/null || skip "needs $c (Debian: snmpd, snmp, snmptrapd)"
  done
  [ -x "$AGENTX" ] || skip "edgeprobe-agentx is not built (libsnmp-dev)"
  SNMP_PERSISTENT_DIR="$TMP/snmp-state"
  export SNMP_PERSISTENT_DIR
  mkdir -p "$SNMP_PERSISTENT_DIR" "$TMP/agentx"
  chmod 711 "$TMP"
  AGENTX_SOCKET="$TMP/agentx/master"
  AGENTX_RUN="$AGENTX"
  if [ -n "$EP_SANITIZED" ]; then
    AGENTX_RUN="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1 $AGENTX"
  fi
  [ -n "$EP_WRAPPER" ] && AGENTX_RUN="$EP_WRAPPER $AGENTX"
  return 0
}

# start_snmpd [TRAP-PORT]: snmpd in the namespace, the AgentX master on
# $AGENTX_SOCKET, SNMP on udp:127.0.0.1:161 with the community "public"
# (everything), and the NOC's view "edgeprobe" for the community
# "plant-noc" and the v3 user "noc" (SHA/AES, "noc-secret-1"); the module
# alone for the community "module-only"; notifications to snmptrapd on
# TRAP-PORT when given.
start_snmpd() {
  cat >"$TMP/snmpd.conf" <<CONF
[snmp] mibs :
[snmp] persistentDir $TMP/snmpd-state
master agentx
agentXSocket $AGENTX_SOCKET
agentXPerms 0660 0711 nobody nogroup
agentaddress udp:127.0.0.1:161
rocommunity public 127.0.0.1
view edgeprobe included .1.3.6.1.2.1.1
view edgeprobe included .$EP_MIB
view edgeprobe included .1.3.6.1.6.3.10.2.1
rocommunity plant-noc 127.0.0.1 -V edgeprobe
view moduleonly included .$EP_MIB
rocommunity module-only 127.0.0.1 -V moduleonly
createUser noc SHA noc-secret-1 AES noc-secret-1
rouser noc priv -V edgeprobe
CONF
  [ -n "${1:-}" ] && echo "trap2sink 127.0.0.1:$1 public" >>"$TMP/snmpd.conf"
  mkdir -p "$TMP/snmpd-state"
  ip netns exec "$NS" snmpd -f -Lo -C -c "$TMP/snmpd.conf" -p "$TMP/snmpd.pid" >>"$TMP/snmpd.log" 2>&1 &
  snmpd_pid=$!
  ep_pids="$ep_pids $snmpd_pid"
  _w=0
  while [ ! -S "$AGENTX_SOCKET" ] && [ $_w -lt 100 ]; do sleep 0.05; _w=$((_w + 1)); done
  [ -S "$AGENTX_SOCKET" ] || fail "snmpd did not open its AgentX socket: $(tail -n 5 "$TMP/snmpd.log")"
}

stop_snmpd() {
  kill "$snmpd_pid" 2>/dev/null
  wait "$snmpd_pid" 2>/dev/null
}

# start_snmptrapd PORT: every notification logged to $TMP/traps.log.
start_snmptrapd() {
  cat >"$TMP/snmptrapd.conf" <<CONF
[snmp] mibs :
authCommunity log public
CONF
  ns snmptrapd -f -Lf "$TMP/traps.log" -C -c "$TMP/snmptrapd.conf" -n -On \
    "udp:127.0.0.1:$1" >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_udp 127.0.0.1 "$1"
}

# start_agentx ARGS...: the subagent in the foreground, against
# $AGENTX_SOCKET, dropping to nobody; its log in $TMP/agentx.log, its pid
# in agentx_pid.
start_agentx() {
  # shellcheck disable=SC2086
  ip netns exec "$NS" $AGENTX_RUN -f -x "$AGENTX_SOCKET" -u nobody "$@" $EP_CLOCK_ARG >>"$TMP/agentx.log" 2>&1 &
  agentx_pid=$!
  ep_pids="$ep_pids $agentx_pid"
}

stop_agentx() { stop_daemon "$agentx_pid" edgeprobe-agentx "$TMP/agentx.log"; }

# snmp OP ARGS...: snmpget, snmpwalk, ... over v2c inside the namespace,
# with EDGEPROBE-MIB loaded; values only (-Oqv) unless ARGS say otherwise.
snmp() {
  _op=$1
  shift
  ns "$_op" -v2c -c public -t 2 -r 0 -M "$SNMP_MIBDIRS" -m EDGEPROBE-MIB 127.0.0.1 "$@"
}
sget() { snmp snmpget -Oqv "$@"; }

# wait_runs N SECONDS: until epRuns is at least N.
wait_runs() {
  _w=0
  while [ $_w -lt $(($2 * 10)) ]; do
    _r=$(sget EDGEPROBE-MIB::epRuns.0 2>/dev/null)
    case "$_r" in
      '' | *[!0-9]*) ;;
      *) [ "$_r" -ge "$1" ] && return 0 ;;
    esac
    sleep 0.1
    _w=$((_w + 1))
  done
  return 1
}

# ---- the soaks' world (edge-soak.sh, collectd-soak.sh, snmp-soak.sh) -----
# start_soak_world: one server of each kind in the namespace (nginx with
# good.example's certificate from the test CA in $P, dnsmasq, our NTP
# responder, nats-server, our OPC UA peer as a machine) and $TMP/soak.json,
# a profile of them all; the
# CA and the profile readable by an unprivileged subagent.
# (The uplink's DNS train, 20 queries 50 ms apart by default, would make
# each run of a soak a second long: two, 10 ms apart, still run it.)
start_soak_world() {
  P="$TMP/pki"
  mkdir -p "$P"
  https_ca "$P" ca "edgeprobe test CA" && https_leaf "$P" good ca 90 "DNS:good.example" ||
    { fail "cannot make the test PKI"; ep_done; }
  chmod 755 "$P"
  chmod 644 "$P/ca.pem"
  start_https_nginx "$(https_server 127.0.0.10 good 'location / { return 200 "ok\n"; }')"
  wait_tcp 127.0.0.10 443
  start_dnsmasq 127.0.0.53 --host-record=good.example,127.0.0.10 --local=/example/
  start_ntp_responder 127.0.0.41 good
  start_nats soak 127.0.0.71 7422
  ns "$EP_BUILDDIR/tests/servers/ep-machine-peer" -l 127.0.0.81 -p 4840 -m opcua \
    </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp 127.0.0.81 4840
  cat >"$TMP/soak.json" <<JSON
{ "timeout": 5,
  "dns": { "servers": ["127.0.0.53"], "fallback": "none",
           "names": [ { "name": "good.example" } ] },
  "ntp": { "servers": ["127.0.0.41"], "ignore_local_clock": true },
  "https": { "targets": ["good.example"], "expect_issuers": ["edgeprobe test CA"] },
  "nats": { "targets": ["127.0.0.71:7422"] },
  "machines": [ { "name": "plc", "address": "127.0.0.81", "protocol": "siemens-opcua" } ],
  "uplink": { "train_queries": 2, "train_interval_ms": 10 } }
JSON
  chmod 644 "$TMP/soak.json"
}

# ---- the uplink tests' world (uplink-*.sh) --------------------------------
CHECK_UPLINK="$EP_BUILDDIR/check_edge_uplink"
run_uplink() { run_check "$CHECK_UPLINK" "$@"; }

in_cloud() { ip netns exec "$NS-cloud" "$@"; }

# uplink_link LATENCY: a "cloud" namespace joined to the test's (the
# gateway) by a veth pair, up0 10.77.0.1/30 on the gateway's side and up1
# 10.77.0.2/30 on the cloud's, the upload direction (up0's egress) shaped
# by a 256 kbit/s token bucket with LATENCY of queue ("200ms"; "2000ms"
# for a deep, bufferbloated one).
uplink_link() {
  command -v tc >/dev/null || skip "needs tc (Debian: iproute2)"
  extra_ns cloud || skip "cannot create a namespace"
  mkdir -p "/etc/netns/$NS-cloud"
  echo "nameserver 10.77.0.2" >"/etc/netns/$NS-cloud/resolv.conf"
  ip link add up0 netns "$NS" type veth peer name up1 netns "$NS-cloud" ||
    skip "cannot create a veth pair"
  ns ip addr add 10.77.0.1/30 dev up0
  ns ip link set up0 up
  in_cloud ip addr add 10.77.0.2/30 dev up1
  in_cloud ip link set up1 up
  # The gateway's uplink carries all of the cloud (the NATS endpoints' routes
  # too: the uplink check looks them up and sends them nothing).
  ns ip route add default via 10.77.0.2 dev up0
  uplink_shape "$1"
}
# What the Uplink line leads with over that link.
UPLINK_VETH='up0 via 10\.77\.0\.2, Ethernet 10 Gb/s full duplex; '

# cloud_route: a loopback-only namespace's default route, into a veth
# whose peer (in the same namespace) takes what it is sent and has no route
# on: the cloud's addresses have a route, as on a gateway (the uplink check
# looks them up and sends them nothing).
cloud_route() {
  ns ip link add ep-wan type veth peer name ep-wan-peer &&
    ns ip link set ep-wan-peer up && ns ip link set ep-wan up &&
    ns ip route add default dev ep-wan || skip "cannot add a veth pair"
}
# What the Uplink line leads with then (lo carries the test's servers).
UPLINK_WAN='ep-wan, Ethernet 10 Gb/s full duplex[^;]*; '


# uplink_shape LATENCY: the upload direction's token bucket, replaced.
uplink_shape() {
  ns tc qdisc replace dev up0 root tbf rate 256kbit burst 4kb latency "$1" ||
    skip "cannot shape with tc's tbf"
}

# uplink_cloud: in the cloud namespace, nginx on 10.77.0.2:443 with a
# certificate of the test CA ($P/ca.pem) for uploads.example, taking any
# PUT (204) and answering 413 before the body under /small/, and dnsmasq
# on 10.77.0.2 with uploads.example.
uplink_cloud() {
  command -v nginx >/dev/null || skip "needs nginx"
  command -v dnsmasq >/dev/null || skip "needs dnsmasq"
  P="$TMP/pki"
  mkdir -p "$P" "$TMP/nginx"
  https_ca "$P" ca "edgeprobe test CA" &&
    https_leaf "$P" uploads ca 90 "DNS:uploads.example,IP:10.77.0.2" ||
    { fail "cannot make the test PKI"; ep_done; }
  cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
user root;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 64; }
http {
  access_log $TMP/nginx/access.log;
  ssl_protocols TLSv1.2 TLSv1.3;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  server {
    listen 10.77.0.2:443 ssl;
    ssl_certificate $P/uploads.pem;
    ssl_certificate_key $P/uploads.key;
    client_max_body_size 1g;
    location / { return 204; }
    location /small/ { client_max_body_size 1k; return 204; }
  }
}
CONF
  in_cloud nginx -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  in_cloud dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=10.77.0.2 \
    --port=53 -k --pid-file="$TMP/dnsmasq-cloud.pid" --user=root \
    --log-facility="$TMP/dnsmasq-cloud.log" \
    --host-record=uploads.example,10.77.0.2 --local=/example/ </dev/null &
  ep_pids="$ep_pids $!"
  wait_cloud 10.77.0.2:443 t && wait_cloud 10.77.0.2:53 u
}

# uplink_quiet: until the last upload has left the link: no connection of
# the gateway's to the cloud but in TIME-WAIT, nothing queued in the token
# bucket.  (An upload's unsent rest can drain for seconds after the check
# has ended; the next upload would share the link with it.)
uplink_quiet() {
  _uq=0
  while [ $_uq -lt 200 ]; do
    if [ -z "$(ns ss -Htn state all dst 10.77.0.2 | grep -v '^TIME-WAIT')" ] &&
      ns tc -s qdisc show dev up0 | grep -q 'backlog 0b 0p'; then
      [ $_uq -gt 0 ] && echo "# (the link was busy $((_uq * 50)) ms more)"
      return 0
    fi
    sleep 0.05
    _uq=$((_uq + 1))
  done
  fail "the last upload still loads the link 10 s after the check ended: $(ns ss -Htn state all dst 10.77.0.2)"
}

# wait_cloud ADDR:PORT t|u: until something listens there in the cloud.
wait_cloud() {
  _wc=0
  while [ $_wc -lt 200 ]; do
    in_cloud ss -Hln"$2" "src $1" 2>/dev/null | grep -q . && return 0
    sleep 0.05
    _wc=$((_wc + 1))
  done
  echo "nothing listens on $1 ($2) in the cloud" >&2
  return 1
}

# private_system_bus: a dbus-daemon of the test's own, a system bus on a
# socket in $TMP, exported as DBUS_SYSTEM_BUS_ADDRESS (never the host's).
private_system_bus() {
  mkdir -p "$TMP/bus"
  cat >"$TMP/bus/system.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$TMP/bus/socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
CONF
  dbus-daemon --config-file="$TMP/bus/system.conf" --nofork --nopidfile </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  for _w in $(seq 1 50); do [ -S "$TMP/bus/socket" ] && break; sleep 0.1; done
  export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/bus/socket"
  [ -S "$TMP/bus/socket" ] || fail "the private dbus-daemon did not start"
}
