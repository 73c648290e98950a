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

in_ns() { ip netns exec "$NS" "$@"; }

# wait_port PROTO ADDR PORT: until something listens there (t or u).
wait_port() {
  i=0
  until in_ns ss "-Hln$1" "src $2:$3" | grep -q .; do
    i=$((i + 1)); [ $i -lt 200 ] || { echo "nothing on $1 $2:$3" >&2; exit 1; }
    sleep 0.05
  done
}

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

# bench_nginx NSNAME ADDR LOCATIONS: one nginx worker serving $tmp/leaf.pem
# on ADDR:443 with LOCATIONS (nginx directives), started in NSNAME and
# waited for.  Room for 1000 connections at once.
bench_nginx() {
  cat >"$tmp/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen $2:443 ssl backlog=4096;
    ssl_certificate $tmp/leaf.pem;
    ssl_certificate_key $tmp/leaf.key;
    $3
  }
}
CONF
  ip netns exec "$1" nginx -e "$tmp/nginx.err" -c "$tmp/nginx.conf" </dev/null >/dev/null 2>&1 &
  _i=0
  until ip netns exec "$1" ss -Hlnt "src $2:443" | grep -q .; do
    _i=$((_i + 1))
    [ $_i -lt 200 ] || { echo "nginx did not start:" >&2; cat "$tmp/nginx.err" >&2; exit 1; }
    sleep 0.05
  done
}

# bench_pki SAN [KEY]: a test CA ($tmp/ca.pem, RSA-2048) and a leaf it
# signed for 90 days ($tmp/leaf.pem, $tmp/leaf.key) naming SAN
# ("DNS:a,DNS:b"), its key KEY (openssl req -newkey's; rsa:2048 unless
# given).
bench_pki() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=edgeprobe bench CA" \
    -keyout "$tmp/ca.key" -out "$tmp/ca.pem" >/dev/null 2>&1 &&
  # shellcheck disable=SC2086
  openssl req -newkey ${2:-rsa:2048} -nodes -subj "/CN=edgeprobe bench" \
    -keyout "$tmp/leaf.key" -out "$tmp/leaf.csr" >/dev/null 2>&1 &&
  echo "subjectAltName=$1" >"$tmp/leaf.ext" &&
  openssl x509 -req -in "$tmp/leaf.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
    -CAcreateserial -days 90 -extfile "$tmp/leaf.ext" -out "$tmp/leaf.pem" >/dev/null 2>&1 ||
    { echo "cannot make the test PKI" >&2; exit 1; }
}
