#!/bin/sh
# check_edge_https through tinyproxy with Basic auth: the right
# credentials (from a file and from the environment), wrong ones, none, a
# port the proxy forbids, a target it cannot reach, a proxy that is down,
# TLS verified end to end through the tunnel; and an https:// proxy (nginx's
# stream module terminating TLS in front of tinyproxy), whose own
# certificate is judged apart from the target's.  The secret never shows:
# not in the output, not in curl's trace (-vvv), not in argv.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v nginx >/dev/null || skip "needs nginx"
command -v tinyproxy >/dev/null || skip "needs tinyproxy"

P="$TMP/pki"
https_test_pki "$P" || { fail "cannot make the test PKI"; ep_done; }
start_https_nginx "$(
  https_server 127.0.0.10 good 'location / { return 200 "ok\n"; }'
  https_server 127.0.0.24 inspected 'location / { return 200; }'
)"
wait_tcp 127.0.0.10 443
wait_tcp 127.0.0.24 443
# The proxy resolves the targets' names with the namespace's resolver;
# blackholed.example's address drops every SYN.
start_dnsmasq 127.0.0.53 --host-record=good.example,127.0.0.10 \
  --host-record=inspected.example,127.0.0.24 --host-record=refused.example,127.0.0.41 \
  --host-record=blackholed.example,127.0.0.42 --host-record=proxy.example,127.0.0.60 \
  --local=/example/
blackhole 127.0.0.42 443
cat >"$TMP/tinyproxy.conf" <<CONF
Port 8888
Listen 127.0.0.60
Timeout 10
PidFile "$TMP/tinyproxy.pid"
LogFile "$TMP/tinyproxy.log"
LogLevel Info
MaxClients 50
Allow 127.0.0.0/8
BasicAuth edge S3cret-pa55
ConnectPort 443
CONF
ns tinyproxy -d -c "$TMP/tinyproxy.conf" </dev/null >/dev/null 2>&1 &
ep_pids="$ep_pids $!"
wait_tcp 127.0.0.60 8888

# The https proxy: TLS on 127.0.0.62:8443 with a certificate of the test
# CA, passed on to tinyproxy.
stream_mod=/usr/lib/nginx/modules/ngx_stream_module.so
if [ -f "$stream_mod" ]; then
  https_leaf "$P" tlsproxy ca 90 "IP:127.0.0.62,DNS:proxy.example" ||
    fail "cannot make the proxy's certificate"
  mkdir -p "$TMP/stream"
  cat >"$TMP/stream/nginx.conf" <<CONF
load_module $stream_mod;
daemon off;
user root;
pid $TMP/stream/nginx.pid;
error_log $TMP/stream/error.log;
events { worker_connections 64; }
stream {
  server {
    listen 127.0.0.62:8443 ssl;
    ssl_certificate $P/tlsproxy.pem;
    ssl_certificate_key $P/tlsproxy.key;
    proxy_pass 127.0.0.60:8888;
  }
}
CONF
  ns nginx -e "$TMP/stream/error.log" -c "$TMP/stream/nginx.conf" </dev/null >/dev/null 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp 127.0.0.62 8443
fi

SECRET=S3cret-pa55
B64=$(printf 'edge:%s' "$SECRET" | base64)
printf 'edge:%s\n' "$SECRET" >"$TMP/proxy.auth"
chmod 600 "$TMP/proxy.auth"
printf 'edge:wrong\n' >"$TMP/wrong.auth"
chmod 600 "$TMP/wrong.auth"
DNS="-D 127.0.0.53 --fallback-dns none"
TLS="--cacert $P/ca.pem --expect-issuer edgeprobe"
PROXY="--proxy http://127.0.0.60:8888"

# no_secret WHAT TEXT: the secret and its base64 form are not in TEXT.
no_secret() {
  if printf '%s\n' "$2" | grep -qF -e "$SECRET" -e "$B64"; then
    fail "$1 holds the proxy secret or its base64 form"
  else
    pass "$1: neither the secret nor its base64 form"
  fi
}

echo "# the right credentials from a file: OK, and the proxy resolves the name"
run_https $DNS $TLS $PROXY --proxy-auth-file "$TMP/proxy.auth" -H good.example -v
expect_rc 0
expect_first "^EDGE HTTPS OK - good\.example via proxy: HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left \[through proxy http://127\.0\.0\.60:8888, which resolves the names\] \|"
expect_no_line "resolve [0-9.]+s"
grep -q 'CONNECT good.example:443' "$TMP/tinyproxy.log" &&
  pass "tinyproxy saw CONNECT good.example:443" || fail "tinyproxy's log has no CONNECT good.example:443"

echo "# credentials from EDGEPROBE_PROXY_AUTH"
EDGEPROBE_PROXY_AUTH="edge:$SECRET" run_https $DNS $TLS $PROXY -H good.example
expect_rc 0
expect_first "^EDGE HTTPS OK - good\.example via proxy: HTTP 200"

echo "# wrong credentials (401) and none (407): the proxy named as the cause"
run_https $DNS $TLS $PROXY --proxy-auth-file "$TMP/wrong.auth" -H good.example -H inspected.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - 2 of 2 HTTPS targets: the proxy answered CONNECT with 401 \(credentials refused\) \[through proxy http://127\.0\.0\.60:8888, which resolves the names\] \|"
run_https $DNS $TLS $PROXY -H good.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - good\.example via proxy: the proxy answered CONNECT with 407 \(proxy authentication required\) \["

echo "# a port the proxy does not allow (403) and a target it cannot reach"
run_https $DNS $TLS $PROXY --proxy-auth-file "$TMP/proxy.auth" -H good.example:8443
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - good\.example:8443 via proxy: the proxy answered CONNECT with 403 \(CONNECT forbidden\) \["
run_https $DNS $TLS $PROXY --proxy-auth-file "$TMP/proxy.auth" -H refused.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - refused\.example via proxy: the proxy answered CONNECT with 5[0-9][0-9] \(the proxy could not reach the target\) \["

echo "# TLS is still ours to verify through the tunnel"
run_https $DNS $TLS $PROXY --proxy-auth-file "$TMP/proxy.auth" -H inspected.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - inspected\.example via proxy: TLS interception suspected \(issuer: CN=Plant Inspection CA\) \["

echo "# the proxy by name, resolved by the core; a proxy that is down"
run_https $DNS $TLS --proxy http://proxy.example:8888 --proxy-auth-file "$TMP/proxy.auth" -H good.example -v
expect_rc 0
expect_line "^    resolve [0-9.]+s \(the proxy's name, by 127\.0\.0\.53\), connect "
run_https $DNS $TLS --proxy http://127.0.0.61:8888 --proxy-auth-file "$TMP/proxy.auth" -H good.example
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - good\.example via proxy: cannot connect to the proxy: connection refused \["

echo "# an https:// proxy: its certificate verified with --proxy-cacert, told apart from the target's"
if [ -f "$stream_mod" ]; then
  run_https $DNS $TLS --proxy https://127.0.0.62:8443 --proxy-cacert "$P/ca.pem" \
    --proxy-auth-file "$TMP/proxy.auth" -H good.example -H 127.0.0.10 -v
  expect_rc 0
  expect_first "^EDGE HTTPS OK - 2 HTTPS targets reachable, .*\[through proxy https://127\.0\.0\.62:8443, which resolves the names\] \|"
  expect_line "^\[OK\] 127\.0\.0\.10 via proxy: HTTP 200 in [0-9.]+s, TLSv1\.3, certificate (89|90) days left$"
  expect_no_line "subject CN=tlsproxy\.example"
  run_https $DNS $TLS --proxy https://127.0.0.62:8443 --proxy-auth-file "$TMP/proxy.auth" \
    -H 127.0.0.10
  expect_rc 2
  expect_first "^EDGE HTTPS CRITICAL - 127\.0\.0\.10 via proxy: the proxy's own certificate: TLS interception suspected \(issuer: CN=edgeprobe test CA\) \["
elif [ -n "${EP_REQUIRE_ALL:-}" ]; then
  fail "no nginx stream module ($stream_mod, Debian: libnginx-mod-stream)"
else
  echo "# (skipped: no nginx stream module)"
fi

echo "# credentials never on the command line or in a URL"
run_https $DNS $TLS --proxy "http://edge:$SECRET@127.0.0.60:8888" -H good.example
expect_rc 3
expect_first "^EDGE HTTPS UNKNOWN - --proxy: credentials are not allowed in the URL; use --proxy-auth-file$"
no_secret "the refusal" "$out"
chmod 644 "$TMP/wrong.auth"
run_https $DNS $TLS $PROXY --proxy-auth-file "$TMP/wrong.auth" -H good.example
expect_rc 3
expect_first "^EDGE HTTPS UNKNOWN - proxy credentials $TMP/wrong\.auth: others can read it \(mode 644\); chmod o-rw it$"

echo "# https_proxy from the environment: its credentials stripped, never shown"
https_proxy="http://edge:$SECRET@127.0.0.60:8888" EDGEPROBE_PROXY_AUTH="edge:$SECRET" \
  run_https $DNS $TLS -H good.example -vvv
expect_rc 0
expect_first "^EDGE HTTPS OK - good\.example via proxy: HTTP 200 .*\[through proxy http://127\.0\.0\.60:8888 \(from https_proxy, its credentials ignored\), which resolves the names\] \|"
expect_line "^    > Proxy-Authorization: \(hidden\)$"
expect_line "^    \* Establish HTTP proxy tunnel to good\.example:443$"
no_secret "the output with curl's trace" "$out"
no_secret "stderr" "$(cat "$TMP/stderr")"

echo "# argv of a running check holds no secret"
# shellcheck disable=SC2086
ip netns exec "$NS" $EP_WRAPPER "$CHECK_HTTPS" $DNS $TLS $PROXY --proxy-auth-file "$TMP/proxy.auth" \
  -H blackholed.example -t 2 >"$TMP/bg.out" 2>&1 &
bg=$!
sleep 0.5
cmdline=$(tr '\0' ' ' <"/proc/$bg/cmdline" 2>/dev/null)
case "$cmdline" in
*check_edge_https*) pass "read the running check's argv" ;;
*) fail "could not read the running check's argv: '$cmdline'" ;;
esac
no_secret "/proc/PID/cmdline" "$cmdline"
wait "$bg"
rc=$?
out=$(cat "$TMP/bg.out")
first=$(printf '%s\n' "$out" | head -n 1)
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - blackholed\.example via proxy: (timed out waiting for the proxy's tunnel|the proxy answered CONNECT with 5[0-9][0-9])"

ep_done
