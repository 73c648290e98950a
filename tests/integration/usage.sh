#!/bin/sh
# Bad input of every kind: one clear line naming what was wrong, exit 3.
# Run in an empty namespace so that no mistake can send a packet anywhere.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup

# bad EXPECTED-FIRST-LINE-REGEX ARGS...
bad() {
  want=$1
  shift
  run_dns "$@"
  if [ "$rc" = 3 ] && printf '%s\n' "$out" | grep -Eq -- "^EDGE DNS UNKNOWN - $want\$" &&
    [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]; then
    pass "$*: $first"
  else
    fail "$*: exit $rc, output: $out (wanted: $want)"
  fi
}

bad "unknown option --bogus" --bogus
bad "unknown option -z" -z
bad "option -t needs an argument" -H a.example -t
bad "option --profile needs an argument" --profile
bad "-w '1:x' is not a valid range: end is not a number" -H a.example -w 1:x
bad "-c '20:10' is not a valid range: start is greater than end" -H a.example -c 20:10
bad "-t: '0': the timeout must be more than 0 and at most 3600 seconds" -t 0
bad "-t: '-5': the timeout must be more than 0 and at most 3600 seconds" -t -5
bad "-t: 'ten' is not a number of seconds" -t ten
bad "-D: '300\.1\.1\.1' is not an IPv4 or IPv6 address" -D 300.1.1.1
bad "-D: 'resolver\.example' is not an IPv4 or IPv6 address" -D resolver.example
bad "-D: '127\.0\.0\.1:99999': port must be a number from 1 to 65535" -D 127.0.0.1:99999
bad "--fallback-dns: 'sometimes' is not an IPv4 or IPv6 address" --fallback-dns sometimes
bad "-a: 'x' is not an IPv4 or IPv6 address" -H a.example -a x
bad "-a needs -H: it says what the names given with -H must resolve to" -a 1.2.3.4
bad "--format: 'xml': expected nagios or json" --format xml
bad "unexpected argument 'extra'" -H a.example extra
bad "-I: no interface named 'nosuch0'" -H a.example -I nosuch0
bad "-I: no interface has the address 192\.0\.2\.1" -H a.example -I 192.0.2.1
long=$(printf 'a%.0s' $(seq 1 250)).com
bad "-H: host name is 254 characters, more than 253" -H "$long"
bad "-H: 'a\.\.b' has an empty label" -H a..b
bad "-H: '$(printf 'b%.0s' $(seq 1 64))\.com' has a label longer than 63 characters" -H "$(printf 'b%.0s' $(seq 1 64)).com"
bad "-H: 'bad name\.com' has a character not allowed in a host name \(0x20\)" -H "bad name.com"
bad "unknown profile 'nosuch': built-in profiles are standard and govcloud; a profile file is given by its path" -P nosuch
bad "$TMP/missing\.json: cannot open: No such file or directory" -P "$TMP/missing.json"

printf '{ "timeout": 5,\n  "dns": { "servers": ["8.8.8.8",] } }\n' >"$TMP/comma.json"
bad "$TMP/comma\.json: line 2, column 34: invalid JSON: unexpected character" -P "$TMP/comma.json"
printf '{ "timeout": 5 } trailing' >"$TMP/garbage.json"
bad "$TMP/garbage\.json: line 1, column 18: unexpected text after the JSON value" -P "$TMP/garbage.json"
printf '{\n  "timeout": 5,\n  "timeout": 6\n}\n' >"$TMP/dup.json"
bad "$TMP/dup\.json: line 3, column 3: duplicate member \"timeout\"" -P "$TMP/dup.json"
printf '{ "timeout": "12" }' >"$TMP/type.json"
bad "$TMP/type\.json: \\\$\.timeout: expected a number of seconds, got string" -P "$TMP/type.json"
printf '{ "dns": { "servers": ["8.8.8.8"], "bogus": 1 } }' >"$TMP/unknown.json"
bad "$TMP/unknown\.json: \\\$\.dns: unknown member \"bogus\"" -P "$TMP/unknown.json"
printf '{ "nats": { "targets": ["a.example:7422", "b.example:7422", "c.example"] } }' >"$TMP/nats.json"
bad "$TMP/nats\.json: \\\$\.nats\.targets\[2\]: expected \"HOST:PORT\"" -P "$TMP/nats.json"
printf '{ "extends": "standard", "dns": { "warning": "1:x" } }' >"$TMP/range.json"
bad "$TMP/range\.json: \\\$\.dns\.warning: '1:x' is not a valid range: end is not a number" -P "$TMP/range.json"
run_dns --version
[ "$rc" = 3 ] && printf '%s\n' "$out" | grep -Eq '^check_edge_dns [0-9]+\.[0-9]+\.[0-9]+$' &&
  pass "--version: $out, exit 3" || fail "--version: exit $rc, $out"
run_dns --help
[ "$rc" = 3 ] && printf '%s\n' "$out" | grep -q -- '--expect-address' &&
  printf '%s\n' "$out" | grep -q -- '--fallback-dns' && pass "--help lists own and shared options, exit 3" ||
  fail "--help: exit $rc"
run_ntp --help
[ "$rc" = 3 ] && printf '%s\n' "$out" | grep -q -- '--samples' && pass "check_edge_ntp --help, exit 3" ||
  fail "check_edge_ntp --help: exit $rc"
# The Monitoring Plugins' manner: a usage line, examples, where to report.
for p in check_edge check_edge_dns check_edge_ntp check_edge_https check_edge_nats \
  check_edge_machines; do
  run_check "$EP_BUILDDIR/$p" --help
  [ "$rc" = 3 ] && printf '%s\n' "$out" | head -n 1 | grep -Eq "^$p [0-9.]+ \(edgeprobe\)$" &&
    printf '%s\n' "$out" | grep -A1 -x 'Usage:' | grep -q "^ $p \[-P PROFILE\]" &&
    printf '%s\n' "$out" | grep -A1 -x 'Examples:' | grep -Eq "^ $p( |$)" &&
    printf '%s\n' "$out" | grep -q "^issue tracker, with the output of -vv and --version\.$" &&
    pass "$p --help: version, usage, examples, where to report" || fail "$p --help: exit $rc: $(printf '%s\n' "$out" | head -n 12)"
done

# check_edge_ntp shares the options and adds its own.
badntp() {
  want=$1
  shift
  run_ntp "$@"
  if [ "$rc" = 3 ] && [ "$out" = "EDGE NTP UNKNOWN - $want" ]; then
    pass "check_edge_ntp $*: $first"
  else
    fail "check_edge_ntp $*: exit $rc, output: $out (wanted: $want)"
  fi
}
badntp "--samples: '0': expected a whole number from 1 to 8" -H 127.0.0.1 --samples 0
badntp "--samples: 'many': expected a whole number from 1 to 8" -H 127.0.0.1 --samples many
badntp "-H: '127.0.0.1:0': port must be a number from 1 to 65535" -H 127.0.0.1:0
badntp "-H: 'ntp..example' has an empty label" -H ntp..example
badntp "-a is not an option of this check" -H 127.0.0.1 -a 127.0.0.1
badntp "-t: '0': the timeout must be more than 0 and at most 3600 seconds" -H 127.0.0.1 -t 0
printf '{ "ntp": { "servers": [] } }' >"$TMP/nontp.json"
badntp "$TMP/nontp.json: no NTP servers (ntp.servers or -H)" -P "$TMP/nontp.json"
printf '{ "ntp": { "samples": "3" } }' >"$TMP/samples.json"
badntp "$TMP/samples.json: \$.ntp.samples: expected an integer, got string" -P "$TMP/samples.json"
run_dns --samples 2
[ "$rc" = 3 ] && [ "$out" = "EDGE DNS UNKNOWN - --samples is not an option of this check" ] &&
  pass "--samples is refused by check_edge_dns" || fail "check_edge_dns --samples: $rc $out"

# check_edge_nats: its own options, its credentials file, its CA file.
badnats() {
  want=$1
  shift
  run_nats "$@"
  if [ "$rc" = 3 ] && [ "$out" = "EDGE NATS UNKNOWN - $want" ]; then
    pass "check_edge_nats $*: $first"
  else
    fail "check_edge_nats $*: exit $rc, output: $out (wanted: $want)"
  fi
}
badnats "NATS credentials $TMP/none.auth: cannot open: No such file or directory" -H 127.0.0.1 --nats-auth-file "$TMP/none.auth"
: >"$TMP/empty.auth"
chmod 600 "$TMP/empty.auth"
badnats "NATS credentials $TMP/empty.auth: empty; expected user:password or a token" -H 127.0.0.1 --nats-auth-file "$TMP/empty.auth"
badnats "option --nats-auth-file needs an argument" -H 127.0.0.1 --nats-auth-file
badnats "-H: '127.0.0.1:70000': port must be a number from 1 to 65535" -H 127.0.0.1:70000
echo "not a certificate" >"$TMP/bad.pem"
badnats "--cacert $TMP/bad.pem: no certificate in it (expected PEM certificates)" -H 127.0.0.1 --cacert "$TMP/bad.pem"
printf '{ "nats": { "targets": [] } }' >"$TMP/nonats.json"
badnats "$TMP/nonats.json: no NATS targets (nats.targets or -H)" -P "$TMP/nonats.json"
run_dns --nats-auth-file /etc/passwd
[ "$rc" = 3 ] && [ "$out" = "EDGE DNS UNKNOWN - --nats-auth-file is not an option of this check" ] &&
  pass "--nats-auth-file is refused by check_edge_dns" || fail "check_edge_dns --nats-auth-file: $rc $out"

# A file named by an option or a profile that cannot be used is a
# configuration error, found before any packet is sent: never a TLS
# failure of every target, and never a run blocked on a FIFO.
# badcheck CHECK TITLE WANT ARGS...: exit 3, one line, at once.
badcheck() {
  _check=$1 _title=$2 want=$3
  shift 3
  run_check "$_check" -t 5 "$@"
  if [ "$rc" = 3 ] && [ "$out" = "EDGE $_title UNKNOWN - $want" ] &&
    awk "BEGIN { exit !($elapsed < 2 + $EP_SLACK) }"; then
    pass "$(basename "$_check") $*: $first"
  else
    fail "$(basename "$_check") $*: exit $rc in ${elapsed}s, output: $out (wanted: $want)"
  fi
}
mkfifo "$TMP/fifo"
badcheck "$CHECK_HTTPS" HTTPS "--cacert /nonexistent.pem: cannot open: No such file or directory" \
  -H 127.0.0.1 --cacert /nonexistent.pem
badcheck "$CHECK_HTTPS" HTTPS "--cacert $TMP/bad.pem: no certificate in it (expected PEM certificates)" \
  -H 127.0.0.1 --cacert "$TMP/bad.pem"
badcheck "$CHECK_HTTPS" HTTPS "--cacert $TMP/fifo: not a regular file (a FIFO)" \
  -H 127.0.0.1 --cacert "$TMP/fifo"
badcheck "$CHECK_HTTPS" HTTPS "--proxy-cacert $TMP/bad.pem: no certificate in it (expected PEM certificates)" \
  -H 127.0.0.1 --proxy https://127.0.0.2:3128 --proxy-cacert "$TMP/bad.pem"
badcheck "$CHECK_HTTPS" HTTPS "--proxy-cacert /nonexistent.pem: cannot open: No such file or directory" \
  -H 127.0.0.1 --proxy https://127.0.0.2:3128 --proxy-cacert /nonexistent.pem
printf '{ "extends": "standard", "https": { "cacert": "%s" } }' "$TMP/bad.pem" >"$TMP/ca.json"
badcheck "$CHECK_HTTPS" HTTPS "profile https.cacert $TMP/bad.pem: no certificate in it (expected PEM certificates)" \
  -P "$TMP/ca.json" -H 127.0.0.1
badcheck "$CHECK_NATS" NATS "profile https.cacert $TMP/bad.pem: no certificate in it (expected PEM certificates)" \
  -P "$TMP/ca.json" -H 127.0.0.1
printf '{ "extends": "standard", "proxy": { "url": "https://127.0.0.2:3128", "cacert": "/nonexistent.pem" } }' \
  >"$TMP/pca.json"
badcheck "$CHECK_HTTPS" HTTPS "profile proxy.cacert /nonexistent.pem: cannot open: No such file or directory" \
  -P "$TMP/pca.json" -H 127.0.0.1
badcheck "$CHECK_NATS" NATS "--cacert $TMP/fifo: not a regular file (a FIFO)" -H 127.0.0.1 --cacert "$TMP/fifo"
badcheck "$CHECK_NATS" NATS "NATS credentials $TMP/fifo: not a regular file (a FIFO)" \
  -H 127.0.0.1 --nats-auth-file "$TMP/fifo"
badcheck "$CHECK_HTTPS" HTTPS "proxy credentials $TMP/fifo: not a regular file (a FIFO)" \
  -H 127.0.0.1 --proxy http://127.0.0.2:3128 --proxy-auth-file "$TMP/fifo"
badcheck "$CHECK_DNS" DNS "$TMP/fifo: not a regular file (a FIFO)" -P "$TMP/fifo"
printf '{ "extends": "%s" }' "$TMP/fifo" >"$TMP/extfifo.json"
badcheck "$CHECK_DNS" DNS "$TMP/fifo: not a regular file (a FIFO)" -P "$TMP/extfifo.json"
badcheck "$CHECK_DNS" DNS "$TMP: not a regular file (a directory)" -P "$TMP"
printf '{ "timeout": 5, "timeout\\u0000": 3600 }' >"$TMP/nul.json"
badcheck "$CHECK_DNS" DNS "$TMP/nul.json: line 1, column 25: \\u0000 (a NUL character) in a string" -P "$TMP/nul.json"
# A bad https_proxy from the environment names the environment.
out=$(https_proxy=socks5://127.0.0.2:1080 ns $EP_WRAPPER "$CHECK_HTTPS" -H 127.0.0.1 2>&1)
rc=$?
[ "$rc" = 3 ] && [ "$out" = "EDGE HTTPS UNKNOWN - https_proxy (environment): expected an http:// or https:// URL" ] &&
  pass "a bad https_proxy names the environment: $out" || fail "bad https_proxy: exit $rc, $out"

printf '{ "timeout": 5 }' >"$TMP/unreadable.json"
chmod 000 "$TMP/unreadable.json"
# root reads anything: drop to nobody for the unreadable-file case.
if command -v setpriv >/dev/null; then
  chmod 755 "$TMP"
  out=$(ns setpriv --reuid=nobody --regid=nogroup --clear-groups "$CHECK_DNS" -P "$TMP/unreadable.json")
  rc=$?
  if [ "$rc" = 3 ] && [ "$out" = "EDGE DNS UNKNOWN - $TMP/unreadable.json: cannot open: Permission denied" ]; then
    pass "unreadable profile: $out"
  else
    fail "unreadable profile: exit $rc, $out"
  fi
fi
ep_done
