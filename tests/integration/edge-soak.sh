#!/bin/sh
# The whole checklist (DNS, NTP, HTTPS, NATS, a machine and the root causes) run
# again and again in one process from two threads, as a daemon would:
# every run OK, no growth in open file descriptors, and memory flat once
# warm (under the valgrind pass: no leak, and fewer runs; under ASan,
# whose quarantine holds freed memory, memory is not judged).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
for c in nginx nats-server dnsmasq; do command -v $c >/dev/null || skip "needs $c"; done
start_soak_world
runs=400
[ -n "${EP_VALGRIND:-}" ] && runs=40
# shellcheck disable=SC2086
out=$(ns $EP_WRAPPER "$EP_BUILDDIR/tests/soak/edge-soak" "$TMP/soak.json" "$P/ca.pem" $runs \
  2>"$TMP/stderr")
rc=$?
echo "$out"
[ "$rc" = 99 ] && { fail "valgrind reported errors"; cat "$TMP/stderr"; }
if [ "$rc" = 0 ] && printf '%s\n' "$out" |
  grep -Eq "^$runs runs in 2 threads: 0 \+ 0 failed; open fds ([0-9]+) before, \1 after;"; then
  pass "$runs whole checklists, every one OK, no fd growth"
else
  fail "soak: exit $rc"
  cat "$TMP/stderr"
fi
# Memory: no more than 1 MiB more after all runs than after the first
# quarter (valgrind's and ASan's figures are their own).
warm=$(printf '%s\n' "$out" | sed -n 's/.*RSS \([0-9]*\) KiB after [0-9]* runs.*/\1/p')
end=$(printf '%s\n' "$out" | sed -n 's/.*KiB after [0-9]* runs, \([0-9]*\) KiB after all.*/\1/p')
if [ -n "${EP_VALGRIND:-}" ]; then :
elif [ -n "$EP_SANITIZED" ]; then
  # ASan's quarantine holds freed memory on purpose: its RSS is not ours.
  echo "# memory not judged under ASan: ${warm} KiB when warm, ${end} KiB after $runs runs"
elif [ -n "$warm" ] && [ -n "$end" ] && [ $((end - warm)) -le 1024 ]; then
  pass "memory flat: ${warm} KiB when warm, ${end} KiB after $runs runs"
else
  fail "memory grew: '${warm}' KiB when warm, '${end}' KiB after $runs runs"
fi
ep_done
