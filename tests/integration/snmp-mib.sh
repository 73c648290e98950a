#!/bin/sh
# EDGEPROBE-MIB: smilint -l 6 reports nothing (with our own minimal base
# modules, as Debian ships none; smilint exits 0 even on errors, so its
# output is what is asserted, and a broken copy shows it can complain);
# snmptranslate loads it; its root is the one the subagent's code names;
# LAST-UPDATED is its newest REVISION.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
command -v smilint >/dev/null || skip "needs smilint (Debian: smitools)"
command -v snmptranslate >/dev/null || skip "needs snmptranslate (Debian: snmp)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SNMP_PERSISTENT_DIR="$TMP"
export SNMP_PERSISTENT_DIR
MIB="$EP_SRCDIR/snmp/EDGEPROBE-MIB.txt"
SMIPATH="$EP_SRCDIR/tests/mibs:/usr/share/snmp/mibs"
export SMIPATH

out=$(smilint -l 6 -s "$MIB" 2>&1)
[ -z "$out" ] && pass "smilint -l 6: nothing to say" || fail "smilint -l 6: $out"
# The same tool on a MIB with a column left out of every group and a
# wrong enumeration: it must say so, or the check above proves nothing.
sed 's/epNatsInfoTime, epNatsRtt }/epNatsInfoTime }/; s/SYNTAX      EdgeProbeState$/SYNTAX      EdgeProbeStat/' \
  "$MIB" >"$TMP/BROKEN.txt"
out=$(smilint -l 6 -s "$TMP/BROKEN.txt" 2>&1)
printf '%s\n' "$out" | grep -q "epNatsRtt" && printf '%s\n' "$out" | grep -q "EdgeProbeStat" &&
  pass "(a broken copy: $(printf '%s\n' "$out" | wc -l) complaints)" || fail "smilint on a broken copy: '$out'"

# A revision is added, never rewritten: LAST-UPDATED is the newest
# REVISION, and the REVISION clauses run newest first.
revisions=$(sed -n 's/^ *REVISION *"\([0-9]*Z\)"$/\1/p' "$MIB")
updated=$(sed -n 's/^ *LAST-UPDATED *"\([0-9]*Z\)"$/\1/p' "$MIB")
[ -n "$updated" ] && [ "$updated" = "$(printf '%s\n' "$revisions" | head -n 1)" ] &&
  [ "$(printf '%s\n' "$revisions" | sort -r)" = "$revisions" ] &&
  pass "LAST-UPDATED $updated is the newest of the REVISIONs, newest first: $(printf "%s\n" "$revisions" | tr "\n" " ")" ||
  fail "LAST-UPDATED '$updated', REVISIONs: $(printf "%s\n" "$revisions" | tr "\n" " ")"

tp() { snmptranslate -M "$EP_SRCDIR/tests/mibs:$EP_SRCDIR/snmp:/usr/share/snmp/mibs" "$@"; }
out=$(tp -m EDGEPROBE-MIB -Tp 2>&1)
printf '%s\n' "$out" | grep -q "edgeProbeMIB(7422)" && printf '%s\n' "$out" | grep -q "epNatsRtt" &&
  ! printf '%s\n' "$out" | grep -qi "cannot\|error\|unlinked" &&
  pass "snmptranslate -m EDGEPROBE-MIB -Tp: $(printf '%s\n' "$out" | grep -c -- '--') nodes, no complaint" ||
  fail "snmptranslate -Tp: $out"
# With "+" net-snmp also loads its default list, which Debian does not
# ship and whose own MIBs want more base modules than ours: none of the
# complaints is about EDGEPROBE-MIB (the search path they end with names
# our directories, whose own names may say edgeprobe: not a complaint).
out=$(tp -m +EDGEPROBE-MIB -Tp 2>"$TMP/complaints")
about_ours=$(grep -v '^MIB search path: ' "$TMP/complaints" | grep -i "edgeprobe" | head -5)
printf '%s\n' "$out" | grep -q "epNatsRtt" && [ -z "$about_ours" ] &&
  pass "snmptranslate -m +EDGEPROBE-MIB -Tp loads it too (nothing said about it)" ||
  fail "snmptranslate -m +EDGEPROBE-MIB: $about_ours"

root=$(tp -m EDGEPROBE-MIB -On EDGEPROBE-MIB::edgeProbeMIB 2>&1)
code=$(sed -n 's/^#define EP_MIB_ROOT \(.*\)$/\1/p' "$EP_SRCDIR/snmp/ep_snmp_view.h" | tr -d ' ' | tr ',' '.')
[ "$root" = ".$code" ] && [ "$root" = .1.3.6.1.4.1.8072.9999.7422 ] &&
  pass "the MIB's root and the code's are one: $root (netSnmpExperimental.7422)" ||
  fail "MIB root '$root', code '$code'"
# epDnsNeededBy came after epDnsResponseTime: the older columns kept
# their numbers.
for o in epNtpOffset.1:.1.3.6.1.4.1.8072.9999.7422.1.3.1.7.1 \
  epDnsResponseTime.1:.1.3.6.1.4.1.8072.9999.7422.1.2.1.7.1 \
  epDnsNeededBy.1:.1.3.6.1.4.1.8072.9999.7422.1.2.1.8.1 \
  edgeProbeStateChange:.1.3.6.1.4.1.8072.9999.7422.0.1 \
  epNotifyCheck.0:.1.3.6.1.4.1.8072.9999.7422.1.6.1.0 \
  epRuns.0:.1.3.6.1.4.1.8072.9999.7422.1.1.8.0; do
  v=$(tp -m EDGEPROBE-MIB -On "EDGEPROBE-MIB::${o%%:*}" 2>&1)
  [ "$v" = "${o#*:}" ] && pass "${o%%:*} = $v" || fail "${o%%:*} = '$v', expected ${o#*:}"
done
ep_done
