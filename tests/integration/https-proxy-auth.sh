#!/bin/sh
# A proxy that wants NTLM or Negotiate (our own, tests/servers/ep-auth-proxy.py:
# 407 to every CONNECT, with the schemes it is given): the check names the
# scheme, with and without credentials, and libcurl really tries NTLM with
# user:password (the proxy logs the NTLMSSP message it got).  A proxy that
# wants Basic keeps the 407's own words: nothing about schemes is said.
# check_edge names the scheme first, for every HTTPS target behind it.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
command -v dnsmasq >/dev/null || skip "needs dnsmasq"
PROXY_PY="$EP_SRCDIR/tests/servers/ep-auth-proxy.py"

start_dnsmasq 127.0.0.53 --host-record=good.example,127.0.0.10 --local=/example/
# start_auth_proxy ADDR SCHEME...: our proxy on ADDR:3128, logging to
# $TMP/proxy-ADDR.log.
start_auth_proxy() {
  _addr=$1
  shift
  ns /usr/bin/python3 "$PROXY_PY" "$_addr" 3128 "$TMP/proxy-$_addr.log" "$@" \
    </dev/null >"$TMP/proxy-$_addr.out" 2>&1 &
  ep_pids="$ep_pids $!"
  wait_tcp "$_addr" 3128
}
start_auth_proxy 127.0.0.70 NTLM
start_auth_proxy 127.0.0.71 Negotiate
start_auth_proxy 127.0.0.72 'Basic realm="plant"'
start_auth_proxy 127.0.0.73 NTLM 'Basic realm="plant"'

SECRET=Pl4nt-s3cret
printf 'plant\\edge:%s\n' "$SECRET" >"$TMP/proxy.auth"
chmod 600 "$TMP/proxy.auth"
DNS="-D 127.0.0.53 --fallback-dns none"
no_secret() {
  if printf '%s\n' "$out" "$(cat "$TMP"/proxy-*.log)" | grep -qF "$SECRET"; then
    fail "the secret shows in the output or reached a log"
  else
    pass "the secret is in neither the output nor the proxy's log"
  fi
}

echo "# NTLM wanted, no credentials: the scheme is named"
run_https $DNS -H good.example --proxy http://127.0.0.70:3128
expect_rc 2
expect_first '^EDGE HTTPS CRITICAL - good\.example via proxy: the proxy requires NTLM authentication; no credentials are configured \(--proxy-auth-file\) \['
run_https $DNS -H good.example --proxy http://127.0.0.70:3128 --format json
j=$(printf '%s' "$out" | jq -r '.targets[0].cause')
[ "$j" = proxy.auth_scheme ] && pass "JSON cause $j" || fail "JSON cause '$j': $out"

echo "# NTLM wanted, user:password given: libcurl tries NTLM with them"
: >"$TMP/proxy-127.0.0.70.log"
run_https $DNS -H good.example --proxy http://127.0.0.70:3128 --proxy-auth-file "$TMP/proxy.auth"
expect_rc 2
expect_first '^EDGE HTTPS CRITICAL - good\.example via proxy: the proxy requires NTLM; the configured credentials were refused with it \['
# Basic first, with the CONNECT (no round trip more for a Basic proxy);
# the 407 naming NTLM, a second attempt lets libcurl negotiate it.
seen=$(sed 's/^CONNECT good\.example:443 HTTP\/1\.1 //' "$TMP/proxy-127.0.0.70.log" | tr '\n' ',')
case $seen in
  auth=Basic,*auth=NTLM\ type\ 1,*) pass "the proxy got Basic, then an NTLM negotiate message: $seen" ;;
  *) fail "not Basic then NTLM at the proxy: $seen" ;;
esac
no_secret

echo "# Negotiate only: a Kerberos ticket is wanted, not user:password"
run_https $DNS -H good.example --proxy http://127.0.0.71:3128 --proxy-auth-file "$TMP/proxy.auth"
expect_rc 2
expect_first "^EDGE HTTPS CRITICAL - good\\.example via proxy: the proxy requires Negotiate \\(Kerberos\\): it wants this host's Kerberos ticket \\(kinit\\), not the configured user:password \\["

echo "# NTLM or Basic offered: both named, the credentials refused"
run_https $DNS -H good.example --proxy http://127.0.0.73:3128 --proxy-auth-file "$TMP/proxy.auth"
expect_rc 2
expect_first '^EDGE HTTPS CRITICAL - good\.example via proxy: the proxy requires NTLM, Basic; the configured credentials were refused with it \['

echo "# Basic only: the 407's own words, no scheme named; Basic was sent"
: >"$TMP/proxy-127.0.0.72.log"
run_https $DNS -H good.example --proxy http://127.0.0.72:3128 --proxy-auth-file "$TMP/proxy.auth" --format json
expect_rc 2
j=$(printf '%s' "$out" | jq -r '[.targets[0].cause, .targets[0].text] | join(" | ")')
case $j in
  "proxy.auth | good.example via proxy: the proxy answered CONNECT with 407 (proxy authentication required)"*)
    pass "JSON: $j" ;;
  *) fail "JSON: $j" ;;
esac
grep -q 'auth=Basic$' "$TMP/proxy-127.0.0.72.log" && pass "Basic credentials were sent" ||
  fail "no Basic reached the proxy: $(cat "$TMP/proxy-127.0.0.72.log")"
no_secret

echo "# check_edge: the scheme is the root cause of every HTTPS failure"
cat >"$TMP/site.json" <<JSON
{ "dns": { "servers": ["127.0.0.53"], "fallback": "none" },
  "https": { "targets": ["good.example", "good.example:8443"] },
  "proxy": { "url": "http://127.0.0.70:3128" } }
JSON
run_edge -P "$TMP/site.json"
expect_rc 2
expect_first '^EDGE CHECKLIST CRITICAL - proxy http://127\.0\.0\.70:3128: the proxy requires NTLM authentication; no credentials are configured \(--proxy-auth-file\) \(every HTTPS target behind it\) \|'
run_edge -P "$TMP/site.json" --format json
j=$(printf '%s' "$out" | jq -r '.causes[0].code')
[ "$j" = proxy.refuses ] && pass "root cause $j" || fail "root cause '$j': $out"
ep_done
