#!/bin/sh
# Rules of the core that a compiler does not check, checked on every
# change: the core (common/, plugins/) never prints, exits or aborts, and
# no source of the product uses strerror(), whose buffer the threads of a
# daemon (collectd, the subagent) would share.
src=${EP_SRCDIR:-.}
failures=0

# check WHAT PATTERN FILES...: fails listing the lines that match.
check() {
  what=$1
  pattern=$2
  shift 2
  hits=$(grep -nE "$pattern" "$@" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "not ok - $what:"
    printf '%s\n' "$hits" | sed 's/^/    /'
    failures=$((failures + 1))
  else
    echo "ok - $what"
  fi
}

core=$(ls "$src"/common/*/*.c "$src"/plugins/*.c)
product=$(ls "$src"/common/*/*.c "$src"/plugins/*.c "$src"/nagios/*.c \
  "$src"/collectd/*.c "$src"/snmp/*.c 2>/dev/null)
# shellcheck disable=SC2086
check "the core never prints" '(^|[^a-z_])(printf|fprintf|puts|fputs|perror|putchar)[[:space:]]*\(' $core
# shellcheck disable=SC2086
check "the core never exits or aborts" '(^|[^a-z_])(exit|_exit|abort)[[:space:]]*\(' $core
# shellcheck disable=SC2086
check "no strerror() (ep_strerror is thread-safe)" '(^|[^a-z_])strerror[[:space:]]*\(' $product
[ "$failures" = 0 ]
