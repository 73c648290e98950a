#!/bin/sh
# edgeprobe-agentx runs 1000 whole checklists (DNS, NTP, HTTPS, NATS), one
# every 20 ms, in one process while snmpd polls it: every run OK, open
# descriptors and memory flat once warm.  Under the ASan pass 300 runs and
# no memory figure (ASan's quarantine holds freed memory on purpose);
# under the valgrind pass 50 runs under valgrind: no error, no leak.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
snmp_setup
for c in nginx nats-server dnsmasq; do command -v $c >/dev/null || skip "needs $c"; done
start_soak_world

n=1000
warm=200
if [ -n "$EP_SANITIZED" ]; then
  n=300
  warm=60
elif [ -n "${EP_VALGRIND:-}" ]; then
  n=50
  warm=0
fi

# usage: "FDS RSS-KiB" of the subagent, the fewest descriptors of 40
# looks: a run under way holds its sockets.
usage() {
  fds=999999
  for _l in $(seq 40); do
    _n=$(ls "/proc/$agentx_pid/fd" | wc -l)
    [ "$_n" -lt "$fds" ] && fds=$_n
    sleep 0.005
  done
  echo "$fds $(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$agentx_pid/status")"
}

start_snmpd
echo "# $n runs, one every 20 ms, each with a deadline of 2 s; NTP asked every second"
# Every 20 ms (a run takes about 12): most of a core, not all of it, so
# that the test beside it keeps its timing.
start_agentx -P "$TMP/soak.json" --cacert "$P/ca.pem" -i 0.02 -t 2 --ntp-interval 1
if [ "$warm" -gt 0 ]; then
  wait_runs "$warm" 120 || fail "not $warm runs: $(sget EDGEPROBE-MIB::epRuns.0)"
  before=$(usage)
fi
wait_runs "$n" 900 || fail "not $n runs: $(sget EDGEPROBE-MIB::epRuns.0)"
after=$(usage)
runs=$(sget EDGEPROBE-MIB::epRuns.0)
state=$(sget EDGEPROBE-MIB::epOverallState.0)
snmp snmpwalk -Oqv EDGEPROBE-MIB::epNatsState >"$TMP/states"
for c in Dns Ntp Https Machine; do snmp snmpwalk -Oqv "EDGEPROBE-MIB::ep${c}State" >>"$TMP/states"; done
stop_agentx && pass "the subagent stopped cleanly after $runs runs (exit 0${EP_WRAPPER:+, valgrind: no error, no leak})"
[ "$state" = ok ] && [ "$(sort -u "$TMP/states")" = ok ] && [ "$(wc -l <"$TMP/states")" = 5 ] &&
  pass "the last run: every target ok" || fail "state $state, targets: $(cat "$TMP/states")"
grep -E "could not happen|ERROR|rror" "$TMP/agentx.log" && fail "errors in the subagent's log"
if [ "$warm" -gt 0 ]; then
  echo "# descriptors and RSS (KiB) after $warm runs: $before; after $runs: $after"
  # The fewest of 40 looks may still catch a run holding a socket or two;
  # a descriptor lost per run would show hundreds.
  [ "${after% *}" -le $((${before% *} + 2)) ] && pass "open descriptors flat: ${before% *} -> ${after% *}" ||
    fail "open descriptors: ${before% *} after $warm runs, ${after% *} after $runs"
  grow=$((${after#* } - ${before#* }))
  if [ -n "$EP_SANITIZED" ]; then
    echo "# memory not judged under ASan (grew $grow KiB)"
  elif [ "$grow" -le 1024 ]; then
    pass "memory flat: $grow KiB more after $runs runs than after $warm"
  else
    fail "memory grew $grow KiB between $warm and $runs runs"
  fi
fi
ep_done
