#!/bin/sh
# 1,000 whole DNS checks in one process from two threads at once: every
# result right, no growth in open file descriptors (and, under the valgrind
# pass, no leak).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
start_dnsmasq 127.0.0.53 --address=/machinemetrics.com/127.0.0.10 --local=/example.com/
# shellcheck disable=SC2086
out=$(ns $EP_WRAPPER "$EP_BUILDDIR/tests/soak/dns-soak" 127.0.0.53 1000 2>"$TMP/stderr")
rc=$?
echo "$out"
[ "$rc" = 99 ] && { fail "valgrind reported errors"; cat "$TMP/stderr"; }
if [ "$rc" = 0 ] && printf '%s\n' "$out" | grep -Eq '^1000 runs in 2 threads: 0 \+ 0 failed; open fds ([0-9]+) before, \1 after$'; then
  pass "1000 runs, no failure, no fd growth"
else
  fail "soak: exit $rc"
  cat "$TMP/stderr"
fi
ep_done
