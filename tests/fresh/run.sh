#!/bin/sh
# The README's two commands on a bare Debian 12, as a new user runs them.
# A minimal root (mmdebstrap's "important" variant plus git) is built from
# this machine's configured Debian sources; each command then runs as root
# in a chroot of its own copy of that root, with /proc, /sys, /dev and /run
# mounted, in a clean clone of this repository's HEAD (commit first).
# Prints each command's last lines, its exit status and its time.
#
#   tests/fresh/run.sh [--only run|test] [--without PACKAGE] [WORKDIR]
#
# --without PACKAGE runs `./setup.sh test` in one more bare copy where apt
# cannot have PACKAGE: the preflight must stop the set-up before the build,
# naming it.  WORKDIR (default /var/tmp/edgeprobe-fresh) keeps the logs:
# each command's, and its tests' (NAME-logs/, with each pass's times-*.txt).
#
# Not part of CI: it downloads a whole system.  Run it before resolving an
# issue that changes setup.sh or adds a test dependency (docs/tests.md).
#
# The chroots' network is a namespace whose one way out is a link to a
# proxy on this host that passes only requests for the sources' mirrors
# (nftables here drops all else from the link): apt works, and the
# built-in profile that `./setup.sh run` checks reaches no address (no
# route, no resolver), so its every packet fails at once.
set -u

src=$(cd "$(dirname "$0")/../.." && pwd)
only="run test"
without=""
while [ $# -gt 0 ]; do
  case $1 in
    --only) only=$2; shift 2 ;;
    --without) without=$2; shift 2 ;;
    -*) echo "usage: $0 [--only run|test] [--without PACKAGE] [WORKDIR]" >&2; exit 2 ;;
    *) break ;;
  esac
done
work=$(realpath -m -- "${1:-/var/tmp/edgeprobe-fresh}")
case $work in *[[:space:]]*) echo "$0: WORKDIR with a space: $work" >&2; exit 2 ;; esac

say() { printf 'fresh: %s\n' "$*"; }
die() { printf 'fresh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chroot, network namespaces)"
for tool in mmdebstrap:mmdebstrap tinyproxy:tinyproxy-bin ip:iproute2 git:git; do
  command -v "${tool%%:*}" >/dev/null 2>&1 && continue
  say "apt-get install ${tool#*:}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${tool#*:}" >/dev/null || die "cannot install ${tool#*:}"
done
mkdir -p "$work" || die "cannot make $work"

# A link an interrupted run left (named after its PID) holds the proxy's
# address; another run's, still going, does too.
for l in $(ip -o link show | sed -n 's/^[0-9]*: \(epf[0-9]*h\)@.*/\1/p'); do
  p=${l#epf}
  kill -0 "${p%h}" 2>/dev/null || ip link del "$l"
done
ip -o addr show | grep -q ' 169\.254\.77\.1/' &&
  die "169.254.77.1 is in use (another run of this script?): $(ip -o addr show | grep ' 169\.254\.77\.1/' | cut -d' ' -f2)"

# The machine's configured Debian sources for bookworm, as one-line
# entries (deb822 stanzas and sources.list lines alike); other
# repositories the machine has (a vendor's) are not Debian's and are left out.
debian_sources() {
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case $f in
      *.sources)
        awk '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "")
              for (i = 1; i <= split(suites, s, " "); i++)
                if (s[i] ~ /^bookworm(-updates|-security|-backports)?$/)
                  for (j = 1; j <= split(uris, u, " "); j++)
                    print "deb " u[j] " " s[i] " " (comps == "" ? "main" : comps)
            types = uris = suites = comps = ""
          }
          /^[ \t]*$/ { flush(); next }
          /^Enabled:[ \t]*no/ { types = "disabled" }
          /^Types:/ { sub(/^Types:[ \t]*/, ""); if (types != "disabled") types = $0 }
          /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
          /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
          /^Components:/ { sub(/^Components:[ \t]*/, ""); comps = $0 }
          END { flush() }' "$f" ;;
      *)
        sed -n 's/^deb[ \t]\{1,\}\(\[[^]]*\][ \t]\{1,\}\)\{0,1\}//p' "$f" |
          awk '$2 ~ /^bookworm(-updates|-security|-backports)?$/ { print "deb " $0 }' ;;
    esac
  done | sort -u
}

debian_sources >"$work/sources.list"
[ -s "$work/sources.list" ] || die "no Debian bookworm sources configured on this machine"
say "Debian sources:"
sed 's/^/  /' "$work/sources.list"
mirrors=$(sed -n 's|^deb [a-z]*://\([^/:]*\).*|\1|p' "$work/sources.list" | sort -u)

# The chroots' namespace, its link to this host, and the proxy.
ns="ep-fresh-$$"
link="epf$$"
firewall="edgeprobe_fresh_$$"
proxy_pid=""
mmdebstrap_pid=""
command_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  # mmdebstrap undoes its own mounts and temporary root when told to stop.
  [ -n "$mmdebstrap_pid" ] && kill "$mmdebstrap_pid" 2>/dev/null && wait "$mmdebstrap_pid"
  # The command's PID namespace ends with its first process, and with it
  # everything the command started, in the tests' namespaces too.
  [ -n "$command_pid" ] && kill -9 "$command_pid" 2>/dev/null
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  sleep 1
  ip netns del "$ns" 2>/dev/null
  ip link del "${link}h" 2>/dev/null
  nft delete table inet "$firewall" 2>/dev/null
  rm -rf -- "$work"/root-*
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
base="$work/bookworm-important.tar"
say "mmdebstrap --variant=important --include=git bookworm (log: $work/mmdebstrap.log)"
t0=$(date +%s)
rm -f "$base"
mmdebstrap --variant=important --include=git bookworm "$base" "$work/sources.list" \
  >"$work/mmdebstrap.log" 2>&1 &
mmdebstrap_pid=$!
wait $mmdebstrap_pid || { tail -n 20 "$work/mmdebstrap.log"; die "mmdebstrap failed"; }
mmdebstrap_pid=""
say "the bare root: $(du -h "$base" | cut -f1), in $(($(date +%s) - t0)) s"

# The link: IPv4 only, and on this host's side nothing but the proxy's
# port answers it, nor is anything from it forwarded.
{ ip netns add "$ns" &&
  ip link add "${link}h" type veth peer name "${link}c" &&
  ip link set "${link}c" netns "$ns" &&
  sysctl -q -w "net.ipv6.conf.${link}h.disable_ipv6=1" &&
  ip addr add 169.254.77.1/30 dev "${link}h" &&
  ip link set "${link}h" up &&
  ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.${link}c.disable_ipv6=1" &&
  ip netns exec "$ns" ip link set lo up &&
  ip netns exec "$ns" ip addr add 169.254.77.2/30 dev "${link}c" &&
  ip netns exec "$ns" ip link set "${link}c" up; } || die "cannot make the chroots' network"
nft -f - <<NFT || die "cannot fence the chroots' link"
table inet $firewall {
  chain input {
    type filter hook input priority -10; policy accept;
    iifname "${link}h" ip daddr 169.254.77.1 tcp dport 3142 accept
    iifname "${link}h" drop
  }
  chain forward {
    type filter hook forward priority -10; policy accept;
    iifname "${link}h" drop
  }
}
NFT

for m in $mirrors; do printf '^%s$\n' "$(printf '%s' "$m" | sed 's/\./\\./g')"; done \
  >"$work/proxy.filter"
cat >"$work/proxy.conf" <<CONF
Port 3142
Listen 169.254.77.1
Allow 169.254.77.2
Timeout 600
MaxClients 20
PidFile "$work/proxy.pid"
LogFile "$work/proxy.log"
LogLevel Notice
Filter "$work/proxy.filter"
FilterType ere
FilterDefaultDeny Yes
ConnectPort 443
CONF
tinyproxy -d -c "$work/proxy.conf" </dev/null >/dev/null 2>&1 &
proxy_pid=$!
i=0
until ss -Hlnt 'src 169.254.77.1:3142' | grep -q .; do
  i=$((i + 1))
  [ $i -lt 100 ] || die "the proxy did not start ($work/proxy.log)"
  sleep 0.1
done

# in_root NAME COMMAND: a bare copy of the root, a clean clone in
# /root/edgeprobe, and COMMAND run there as root in the chroot; its output
# in WORKDIR/NAME.log, its exit status in $rc, its seconds in $took.
in_root() {
  root="$work/root-$1"
  rm -rf "$root"
  mkdir -p "$root"
  tar -C "$root" -xf "$base" || die "cannot unpack the root"
  git clone -q "$src" "$root/root/edgeprobe" || die "cannot clone $src"
  printf 'Acquire::http::Proxy "http://169.254.77.1:3142/";\nAcquire::https::Proxy "http://169.254.77.1:3142/";\n' \
    >"$root/etc/apt/apt.conf.d/99edgeprobe-fresh-proxy"
  # Nothing answers here: a name the chroot looks up fails at once.
  printf 'nameserver 127.0.0.1\n' >"$root/etc/resolv.conf"
  if [ -n "$pin" ]; then
    printf 'Package: %s\nPin: version *\nPin-Priority: -1\n' "$pin" \
      >"$root/etc/apt/preferences.d/edgeprobe-fresh-without"
  fi
  say "$1: $2 (log: $work/$1.log)"
  t0=$(date +%s)
  # The root a mount point of its own, as a machine's / is: `ip netns
  # exec` makes / a slave mount, which a plain directory cannot be.  A PID
  # namespace of its own (its /proc shows just the command's processes),
  # ended with the command.  INT and QUIT as on a terminal: a background
  # job of this shell would ignore them, and so would every test's trap.
  env --default-signal=INT,QUIT ip netns exec "$ns" \
    unshare -m -p -f --kill-child --propagation private sh -c '
    mount --bind "$1" "$1" &&
    mount -t proc proc "$1/proc" && mount -t sysfs sysfs "$1/sys" &&
    mount --rbind /dev "$1/dev" && mount -t tmpfs tmpfs "$1/run" &&
    exec chroot "$1" /usr/bin/env -i HOME=/root LANG=C.UTF-8 CI=true \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      sh -c "cd /root/edgeprobe && $2"' sh "$root" "$2" </dev/null >"$work/$1.log" 2>&1 &
  # In the background, so that an interrupt reaches the traps at once.
  command_pid=$!
  wait $command_pid
  rc=$?
  command_pid=""
  # The tests' own logs and each pass's times-*.txt, kept with the
  # command's log before the root goes.
  rm -rf "$work/$1-logs"
  (cd "$root/root/edgeprobe" &&
    find . -path './_build*' \( -name '*.log' -o -name 'times*.txt' \) | tar -cf - -T - 2>/dev/null) |
    (mkdir -p "$work/$1-logs" && tar -C "$work/$1-logs" -xf -)
  took=$(($(date +%s) - t0))
  echo "----- $1: the last lines -----"
  tail -n "${3:-25}" "$work/$1.log"
  echo "----- $1: exit status $rc, $((took / 60)) min $((took % 60)) s -----"
}

pin=""
verdicts=""
verdict() { verdicts="$verdicts$1
"; }

for cmd in $only; do
  case $cmd in
    run)
      in_root run "./setup.sh run"
      # In a namespace with no route, the checklist's every check fails:
      # CRITICAL (2) is the right verdict; 3 would be a usage or set-up error.
      if [ "$rc" -le 2 ] && grep -q '^EDGE CHECKLIST \(OK\|WARNING\|CRITICAL\) - ' "$work/run.log"; then
        verdict "ok - ./setup.sh run: check_edge ran the built-in profile, exit $rc, in $took s"
      else
        verdict "not ok - ./setup.sh run: exit $rc, no checklist"
      fi
      ;;
    test)
      in_root test "./setup.sh test" 40
      summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/test.log" | tail -n 1)
      if [ "$rc" = 0 ] && printf '%s\n' "$summary" | grep -q ' 0 failed'; then
        verdict "ok - ./setup.sh test: $summary, in $((took / 60)) min $((took % 60)) s"
      else
        verdict "not ok - ./setup.sh test: exit $rc, ${summary:-no summary}"
      fi
      ;;
    *) die "--only: run or test, not $cmd" ;;
  esac
  rm -rf "$work/root-$cmd"
done

if [ -n "$without" ]; then
  pin=$without
  in_root "without-$without" "./setup.sh test" 15
  pin=""
  named=$(grep -c "^setup: missing: .*(Debian package $without)" "$work/without-$without.log")
  if [ "$rc" != 0 ] && [ "$named" -gt 0 ] && ! grep -q '^setup: configure' "$work/without-$without.log"; then
    verdict "ok - without $without: the preflight stopped the set-up before the build, naming it ($named lines)"
  else
    verdict "not ok - without $without: exit $rc, $named preflight lines name it"
  fi
  rm -rf "$work/root-without-$without"
fi

echo
printf '%s' "$verdicts"
! printf '%s' "$verdicts" | grep -q '^not ok'
