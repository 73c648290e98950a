#!/bin/sh
# check_edge_uplink against upload endpoints that misbehave after TLS
# (nginx's stream module terminating TLS in front of our hostile server):
# endless lines, a huge reply, binary, silence, a close right after
# accept, a reset as soon as we speak.  Each ends in a named CRITICAL
# within the deadline (never a hang, a crash or an OK about bandwidth),
# the DNS train still measured; under a sanitizer or valgrind, clean.
# One that reads the body and never answers did carry it: the measurement
# stands, and the line says the endpoint gave no answer.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
cloud_route
for c in nginx dnsmasq openssl; do command -v $c >/dev/null || skip "needs $c"; done
stream_mod=/usr/lib/nginx/modules/ngx_stream_module.so
[ -f "$stream_mod" ] || skip "needs nginx's stream module (libnginx-mod-stream)"

P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" &&
  https_leaf "$P" up ca 90 "DNS:uploads.example" || { fail "cannot make the test PKI"; ep_done; }
modes="endless huge-info binary accept-close reset-after-read silent"
servers=""
port=9001
for m in $modes; do
  start_tcp_hostile 127.0.0.90 $port "$m"
  servers="$servers  server { listen 127.0.0.80:$port ssl; ssl_certificate $P/up.pem; ssl_certificate_key $P/up.key; proxy_pass 127.0.0.90:$port; }
"
  port=$((port + 1))
done
mkdir -p "$TMP/stream"
cat >"$TMP/stream/nginx.conf" <<CONF
load_module $stream_mod;
daemon off;
user root;
pid $TMP/stream/nginx.pid;
error_log $TMP/stream/error.log;
events { worker_connections 64; }
stream {
$servers}
CONF
ns nginx -e "$TMP/stream/error.log" -c "$TMP/stream/nginx.conf" </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 127.0.0.80 9001
start_dnsmasq 127.0.0.53 --host-record=uploads.example,127.0.0.80 --local=/example/

t=$(ep_deadline 6)
port=9001
for m in $modes; do
  echo "# $m"
  run_check "$EP_BUILDDIR/check_edge_uplink" -D 127.0.0.53 --fallback-dns none \
    --cacert "$P/ca.pem" --upload-url "https://uploads.example:$port/x" --machines 50 --upload-seconds 2 \
    -t "$t"
  if [ "$m" = silent ]; then
    expect_rc 0
    expect_first "^EDGE UPLINK OK - ${UPLINK_WAN}uplink carries the 200 kbps that 50 machines need with headroom 4 \(measured [0-9]+ kbps; needs 50 kbps\) \(uploads\.example:$port gave no HTTP answer after the body\);"
  else
    expect_rc 2
    expect_first "^EDGE UPLINK CRITICAL - ${UPLINK_WAN}capacity not measured: upload to uploads\.example:$port failed: [^;|]+; DNS train to 127\.0\.0\.53: 0% loss"
  fi
  expect_within "$t"
  echo "#   ${first%%|*}"
  port=$((port + 1))
done
ep_done
