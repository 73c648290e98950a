#!/bin/sh
# This host's clock as the kernel keeps it (adjtimex): the test cannot
# unsynchronise the machine's clock, so it reads the real one (through
# Python's ctypes, apart from our code) and asserts that check_edge_ntp
# says the same: the "local clock" row, WARNING clock.unsynchronised, with
# the kernel's figures, exactly when nothing disciplines it; nothing when
# something does, or when told to leave it alone (--ignore-local-clock,
# ntp.ignore_local_clock).  The judgement itself is unit-tested through a
# seam (check_ntp_clock).
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v chronyd >/dev/null || skip "needs chronyd"
start_chronyd 127.0.0.35
EP_CLOCK_ARG=""
# kernel: "SYNCED STATUS MAXERROR_S ESTERROR_S FREQ_PPM"
kernel() {
  /usr/bin/python3 - <<'PY'
import ctypes, ctypes.util
class timeval(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_long), ("usec", ctypes.c_long)]
class timex(ctypes.Structure):
    _fields_ = [("modes", ctypes.c_uint), ("offset", ctypes.c_long),
                ("freq", ctypes.c_long), ("maxerror", ctypes.c_long),
                ("esterror", ctypes.c_long), ("status", ctypes.c_int),
                ("constant", ctypes.c_long), ("precision", ctypes.c_long),
                ("tolerance", ctypes.c_long), ("time", timeval),
                ("tick", ctypes.c_long), ("ppsfreq", ctypes.c_long),
                ("jitter", ctypes.c_long), ("shift", ctypes.c_int),
                ("stabil", ctypes.c_long), ("jitcnt", ctypes.c_long),
                ("calcnt", ctypes.c_long), ("errcnt", ctypes.c_long),
                ("stbcnt", ctypes.c_long), ("tai", ctypes.c_int),
                ("pad", ctypes.c_int * 11)]
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
tx = timex()
state = libc.adjtimex(ctypes.byref(tx))
synced = not (tx.status & 0x40) and state != 5
print("%s %d %.6f %.6f %.6f" % ("yes" if synced else "no", tx.status,
      tx.maxerror / 1e6, tx.esterror / 1e6, tx.freq / 65536.0))
PY
}

echo "# the kernel's word and the check's agree"
k=$(kernel) || { fail "cannot read adjtimex"; ep_done; }
set -- $k
echo "# kernel: synchronised $1, status $2, maximum error $3 s, estimated $4 s, frequency $5 ppm"
run_ntp -H 127.0.0.35 --format json
j=$(printf '%s' "$out" | jq -r '[.state, ([.targets[] | select(.name == "local clock")] | length)] | map(tostring) | join(" ")')
if [ "$1" = yes ]; then
  [ "$j" = "OK 0" ] && pass "synchronised: no row, OK" || fail "synchronised, but: $j"
else
  [ "$j" = "WARNING 1" ] && pass "not synchronised: the row, WARNING" || fail "not synchronised, but: $j"
  row=$(printf '%s' "$out" | jq -c '.targets[] | select(.name == "local clock")')
  c=$(printf '%s' "$row" | jq -r '[.cause, .details.synchronised, .details.kernel_status] | map(tostring) | join(" ")')
  [ "$c" = "clock.unsynchronised false $2" ] && pass "cause and status: $c" || fail "row: $row"
  # The maximum error grows 500 us a second while nothing resets it.
  expect_near "$(printf '%s' "$row" | jq -r .details.max_error_seconds)" "$3" 0.01 "maximum error"
  expect_near "$(printf '%s' "$row" | jq -r .details.estimated_error_seconds)" "$4" 0.01 "estimated error"
  expect_near "$(printf '%s' "$row" | jq -r .details.frequency_ppm)" "$5" 0.001 "frequency"
  run_ntp -H 127.0.0.35
  expect_rc 1
  expect_first "^EDGE NTP WARNING - NTP servers answer, but this host's clock is not synchronised \\(no time daemon disciplining it; maximum error [0-9.]+ s\\); offset -?[0-9.]+s from 127\\.0\\.0\\.35, 1 server answered \\|"
fi

echo "# told to leave it alone: no row either way"
run_ntp -H 127.0.0.35 --ignore-local-clock --format json
j=$(printf '%s' "$out" | jq -r '[.state, (.targets | length)] | map(tostring) | join(" ")')
[ "$j" = "OK 1" ] && pass "--ignore-local-clock: $j" || fail "--ignore-local-clock: $j"
cat >"$TMP/p.json" <<JSON
{ "ntp": { "servers": ["127.0.0.35"], "ignore_local_clock": true } }
JSON
run_ntp -P "$TMP/p.json" --format json
j=$(printf '%s' "$out" | jq -r '[.state, (.targets | length)] | map(tostring) | join(" ")')
[ "$j" = "OK 1" ] && pass "ntp.ignore_local_clock: $j" || fail "ntp.ignore_local_clock: $j"

echo "# no server answers: the servers' rows say why, not the clock"
run_ntp -H 127.0.0.36 -t 1 --format json
j=$(printf '%s' "$out" | jq -r '[.state, ([.targets[] | select(.name == "local clock")] | length)] | map(tostring) | join(" ")')
[ "$j" = "CRITICAL 0" ] && pass "no answer: $j" || fail "no answer: $j"
ep_done
