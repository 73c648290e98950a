#!/bin/sh
# Replays every fuzz target's committed corpus (tests/fuzz/corpus/TARGET)
# through the target's own entry point: with the normal compiler a plain
# replay main(); in a --enable-fuzzing build the libFuzzer program with
# -runs=0.  Under the valgrind pass, each replay runs under valgrind.
src=${EP_SRCDIR:-.}
build=${EP_BUILDDIR:-.}
failures=0
if [ -n "${EP_VALGRIND:-}" ]; then
  wrap="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --suppressions=$src/tests/valgrind.supp"
else
  wrap=""
fi
for dir in "$src"/tests/fuzz/corpus/*/; do
  t=$(basename "$dir")
  bin="$build/tests/fuzz/$t"
  if [ ! -x "$bin" ]; then
    echo "not ok - $t: no $bin"
    failures=$((failures + 1))
    continue
  fi
  if [ "${EP_LIBFUZZER:-no}" = yes ]; then
    out=$("$bin" -runs=0 "$dir" 2>&1)
  else
    # shellcheck disable=SC2086
    out=$($wrap "$bin" "$dir" 2>&1)
  fi
  rc=$?
  n=$(find "$dir" -type f | wc -l)
  if [ "$rc" = 0 ]; then
    echo "ok - $t: $n inputs"
  else
    echo "not ok - $t: exit $rc"
    printf '%s\n' "$out" | tail -n 30 | sed 's/^/    /'
    failures=$((failures + 1))
  fi
done
[ "$failures" = 0 ]
