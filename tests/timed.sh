#!/bin/sh
# The test harness's log compiler: runs one test and ends its log with the
# wall time it took, from which ./setup.sh test prints where each pass's
# time goes (README, "Tests").
start=$(date +%s.%N)
"$@"
rc=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "# elapsed: %.1f s\n", e - s }'
exit $rc
