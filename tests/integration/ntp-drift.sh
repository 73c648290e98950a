#!/bin/sh
# NTP drift for Nagios users: with --state-dir, check_edge_ntp keeps each
# address's last offset and reports the drift (ppm) with thresholds of its
# own; a server whose clock gains 4000 ppm (our responder, -r) is measured
# as that, within the noise of two offsets (the rate is large so that a
# loaded machine's few milliseconds of delay cannot hide it); a corrupt or foreign state
# file is ignored with a line saying so; without --state-dir nothing is
# kept.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
start_ntp_responder 127.0.0.41 good -r 4000
start_ntp_responder 127.0.0.42 good
start_ntp_responder 127.0.0.43 good -r 4000
state="$TMP/state"
mkdir -p "$state"

echo "# the first run keeps the offsets: no drift yet"
run_ntp -H 127.0.0.41 -H 127.0.0.42 -H 127.0.0.43 --state-dir "$state" -t 3 --format json
expect_rc 0
first_delay() {
  printf '%s\n' "$out" | jq ".targets[] | select(.name == \"$1\") | .details.delay"
}
delay41=$(first_delay 127.0.0.41)
delay42=$(first_delay 127.0.0.42)
delay43=$(first_delay 127.0.0.43)
run_ntp -H 127.0.0.41 -H 127.0.0.42 -H 127.0.0.43 --state-dir "$state" -t 3
expect_first "^EDGE NTP OK - offset -?[0-9.]+s from 127\.0\.0\.4[123], 3 servers answered \|.* '127\.0\.0\.41_drift'=U;100;500"
jq -e '.format == "edgeprobe ntp offsets" and .version == 1 and (.servers | has("127.0.0.41") and has("127.0.0.42"))' \
  "$state/ntp-offsets.json" >/dev/null && pass "state file written: $(jq -c .servers "$state/ntp-offsets.json")" ||
  fail "state file: $(cat "$state/ntp-offsets.json")"
[ "$(ls "$state")" = ntp-offsets.json ] && pass "no temporary file left" || fail "left: $(ls "$state")"

echo "# a run too soon after keeps the older offset (drift needs time)"
run_ntp -H 127.0.0.41 --state-dir "$state" -t 3
expect_first "'127\.0\.0\.41_drift'=U;100;500"

echo "# 4.5 s later: the drift of a clock that gains 4000 ppm, over the profile's 100 ppm warning"
sleep 4.5
run_ntp -H 127.0.0.41 -H 127.0.0.42 --state-dir "$state" --drift-critical 100000 -t 3 --format json
d41=$(printf '%s\n' "$out" | jq '.targets[] | select(.name == "127.0.0.41") | .details.drift_ppm')
d42=$(printf '%s\n' "$out" | jq '.targets[] | select(.name == "127.0.0.42") | .details.drift_ppm')
# Each offset is good to half its round trip (RFC 5905): the drift's error
# is at most the two half delays over the time between them, plus 10 ppm.
tol() {
  now_delay=$(printf '%s\n' "$out" | jq ".targets[] | select(.name == \"$1\") | .details.delay")
  awk -v a="$2" -v b="$now_delay" 'BEGIN { printf "%.1f", (a + b) / 2 / 4.5 * 1e6 + 10 }'
}
expect_near "$d41" 4000 "$(tol 127.0.0.41 "$delay41")" "drift of the +4000 ppm server"
expect_near "$d42" 0 "$(tol 127.0.0.42 "$delay42")" "drift of the steady server"
printf '%s\n' "$out" | jq -e '.state == "WARNING" and (.targets[] | select(.name == "127.0.0.41") | .cause == "ntp.drift")' \
  >/dev/null && pass "WARNING, cause ntp.drift" || fail "state and cause: $out"
run_ntp -H 127.0.0.43 --state-dir "$state" --drift-critical 1500 -t 3
expect_rc 2
expect_first "^EDGE NTP CRITICAL - 127\.0\.0\.43 offset [0-9.]+s delay [0-9.]+s stratum 2 refid 127\.0\.0\.1 drift [0-9.]+ppm \(over critical 1500\) \|"
d43=$(printf '%s\n' "$out" | sed -n "1s/.*'127\.0\.0\.43_drift'=\([0-9.]*\);.*/\1/p")
now43=$(printf '%s\n' "$out" | sed -n "1s/.*'127\.0\.0\.43_delay'=\([0-9.]*\)s.*/\1/p")
tol43=$(awk -v a="$delay43" -v b="$now43" 'BEGIN { printf "%.1f", (a + b) / 2 / 4.5 * 1e6 + 10 }')
expect_near "$d43" 4000 "$tol43" "drift of the other +4000 ppm server, from the perfdata"

echo "# a corrupt or foreign state file: ignored with a line saying so, then written anew"
printf '{"timeout": 5}\n' >"$state/ntp-offsets.json"
run_ntp -H 127.0.0.41 --state-dir "$state" -t 3
expect_rc 0
expect_line "^state file $state/ntp-offsets\.json ignored \(not an edgeprobe NTP state file\): it will be written anew$"
jq -e '.format == "edgeprobe ntp offsets"' "$state/ntp-offsets.json" >/dev/null &&
  pass "written anew" || fail "not written anew: $(cat "$state/ntp-offsets.json")"
printf 'garbage' >"$state/ntp-offsets.json"
run_ntp -H 127.0.0.41 --state-dir "$state" -t 3
expect_line "^state file $state/ntp-offsets\.json ignored \(state: line 1, column 1: [^)]*\): it will be written anew$"

echo "# without --state-dir, nothing is kept"
mkdir "$TMP/cwd"
cp "$state/ntp-offsets.json" "$TMP/kept"
cd "$TMP/cwd" || exit 1
run_ntp -H 127.0.0.41 -t 3
cd - >/dev/null || exit 1
expect_rc 0
expect_no_line "drift"
[ -z "$(ls -A "$TMP/cwd")" ] && cmp -s "$TMP/kept" "$state/ntp-offsets.json" &&
  [ "$(find "$TMP" -name 'ntp-offsets*' | wc -l)" = 1 ] &&
  pass "no file written, the state file untouched" ||
  fail "files: $(find "$TMP" -name 'ntp-offsets*') $(ls -A "$TMP/cwd")"

echo "# a state dir that cannot be used is a usage error"
run_ntp -H 127.0.0.41 --state-dir "$TMP/none"
expect_rc 3
expect_first "^EDGE NTP UNKNOWN - --state-dir $TMP/none: No such file or directory$"
run_ntp -H 127.0.0.41 --state-dir "$state/ntp-offsets.json"
expect_rc 3
expect_first "^EDGE NTP UNKNOWN - --state-dir $state/ntp-offsets\.json: not a directory$"
run_ntp -H 127.0.0.41 --state-dir "$state" --drift-warning 1:x
expect_rc 3
expect_first "^EDGE NTP UNKNOWN - --drift-warning '1:x' is not a valid range: end is not a number$"
ep_done
