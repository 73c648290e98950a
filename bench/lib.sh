# Shared by the benchmarks: a network namespace of their own, the measuring
# helper, and medians.  Sourced after builddir is set.

measure_bin=$(cd "$builddir" && pwd)/bench/ep-measure
[ -x "$measure_bin" ] || make -C "$builddir" bench/ep-measure >/dev/null ||
  { echo "cannot build bench/ep-measure" >&2; exit 2; }

NS=ep-bench-$$
tmp=$(mktemp -d)
bench_cleanup() {
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null; done
  sleep 0.1
  ip netns del "$NS" 2>/dev/null
  rm -rf "/etc/netns/$NS" "$tmp"
}
trap bench_cleanup EXIT INT TERM
ip netns add "$NS" || exit 2
ip netns exec "$NS" ip link set lo up
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.53" >"/etc/netns/$NS/resolv.conf"

# measure OUT CMD...: appends "wall cpu maxrss_kib exit" of one run to OUT.
measure() {
  out=$1
  shift
  ip netns exec "$NS" "$measure_bin" "$out" "$@" >/dev/null 2>&1
}

# sum_round FILE: one line "wall cpu maxrss" for a sequence of runs: the
# times added up, the largest RSS.
sum_round() {
  awk '{ w += $1; c += $2; if ($3 > m) m = $3 } END { printf "%.6f %.6f %d\n", w, c, m }' "$1"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$2" '{ print $c }' "$1" | median; }

# report TITLE NAME-A FILE-A NAME-B FILE-B: medians and the ratios A/B.
report() {
  aw=$(col "$3" 1); ac=$(col "$3" 2); am=$(col "$3" 3)
  bw=$(col "$5" 1); bc=$(col "$5" 2); bm=$(col "$5" 3)
  echo "$1"
  printf '%-36s %10s %10s %12s\n' "" "wall s" "cpu s" "max RSS KiB"
  printf '%-36s %10.4f %10.4f %12d\n' "$2" "$aw" "$ac" "$am"
  printf '%-36s %10.4f %10.4f %12d\n' "$4" "$bw" "$bc" "$bm"
  awk -v aw="$aw" -v bw="$bw" -v ac="$ac" -v bc="$bc" -v am="$am" -v bm="$bm" 'BEGIN {
    printf "ratio edgeprobe/Monitoring Plugins: wall %.3f  cpu %.3f  max RSS %.2f\n",
      aw / bw, ac / bc, am / bm }'
}
