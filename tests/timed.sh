#!/bin/sh
# The test harness's log compiler: runs one test and ends its log with the
# wall time it took and the CPU time of the processes it waited for, from
# which ./setup.sh test prints where each pass's time goes (docs/tests.md,
# "Where the time goes"): a test whose CPU is far below its wall time mostly waits.
start=$(date +%s.%N)
"$@"
rc=$?
end=$(date +%s.%N)
# times' second line: the children's user and system time, as 1m2.5s
# (in this shell: a command substitution's subshell has no children).
t=$(mktemp)
times >"$t"
cpu=$(sed -n 2p "$t")
rm -f "$t"
awk -v s="$start" -v e="$end" -v cpu="$cpu" 'BEGIN {
  n = split(cpu, t, " ")
  for (i = 1; i <= n; i++) {
    split(t[i], ms, "m")
    sum += ms[1] * 60 + ms[2]
  }
  # On a line of its own even after output that did not end one.
  printf "\n# elapsed: %.1f s, cpu %.1f s\n", e - s, sum
}'
exit $rc
