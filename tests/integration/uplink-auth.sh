#!/bin/sh
# The upload's credentials: nginx with Basic auth takes the upload with
# the user:password of --upload-auth-file (or the profile's
# uplink.auth_file) and refuses it without them (401, named); a token goes as a Bearer header; the secret shows nowhere (not
# in the output, -v or JSON, not in argv); a file others can read is a
# configuration error (exit 3) before anything is sent.
. "${EP_SRCDIR:-.}/tests/integration/lib.sh"
ep_setup
cloud_route
for c in nginx dnsmasq openssl; do command -v $c >/dev/null || skip "needs $c"; done

P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" &&
  https_leaf "$P" up ca 90 "DNS:uploads.example" || { fail "cannot make the test PKI"; ep_done; }
SECRET=Upl0ad-s3cret
printf 'edge:%s\n' "$(openssl passwd -apr1 "$SECRET")" >"$TMP/htpasswd"
# The log records who uploaded and the Authorization header's scheme.
# (try_files answers after the access phase: a return would answer before
# auth_basic is asked.)
mkdir -p "$TMP/empty"
start_https_nginx "  log_format who '\$remote_user \$request_method \$uri \$http_authorization';
$(https_server 127.0.0.80 up "client_max_body_size 1g; access_log $TMP/put.log who;
    location /basic { auth_basic edgeprobe; auth_basic_user_file $TMP/htpasswd;
                      root $TMP/empty; try_files /none =204; }
    location /token { return 204; }")"
wait_tcp 127.0.0.80 443
start_dnsmasq 127.0.0.53 --host-record=uploads.example,127.0.0.80 --local=/example/
printf 'edge:%s\n' "$SECRET" >"$TMP/auth"
printf '%s\n' "tok-$SECRET" >"$TMP/token"
chmod 600 "$TMP/auth" "$TMP/token"
t=$(ep_deadline 8)
up() {
  run_check "$EP_BUILDDIR/check_edge_uplink" -D 127.0.0.53 --fallback-dns none \
    --cacert "$P/ca.pem" --machines 50 --upload-seconds 2 -t "$t" "$@"
}
no_secret() {
  case "$out$(cat "$TMP/stderr")" in
  *"$SECRET"*) fail "the secret shows: $out" ;;
  *) pass "the secret shows nowhere ($1)" ;;
  esac
}

echo "# Basic: the right credentials from a file"
up --upload-url https://uploads.example/basic --upload-auth-file "$TMP/auth" -v
expect_rc 0
expect_first "^EDGE UPLINK OK - ${UPLINK_WAN}uplink carries the 200 kbps that 50 machines need"
grep -q '^edge PUT /basic Basic ' "$TMP/put.log" && pass "nginx logged the upload as user edge" ||
  fail "put.log: $(cat "$TMP/put.log")"
no_secret "-v"
up --upload-url https://uploads.example/basic --upload-auth-file "$TMP/auth" --format json
no_secret "JSON"

echo "# Basic: none given, refused"
up --upload-url https://uploads.example/basic
expect_rc 1
expect_first "^EDGE UPLINK WARNING - ${UPLINK_WAN}capacity not measured: uploads\.example:443 refused the upload \(401 Unauthorized\)"

echo "# a token goes as Bearer, from the profile's uplink.auth_file"
cat >"$TMP/site.json" <<JSON
{ "uplink": { "upload_url": "https://uploads.example/token", "auth_file": "$TMP/token" } }
JSON
up -P "$TMP/site.json"
expect_rc 0
grep -q '^- PUT /token Bearer tok-' "$TMP/put.log" && pass "nginx saw a Bearer token" ||
  fail "put.log: $(cat "$TMP/put.log")"
no_secret "profile's auth_file"

echo "# a credentials file others can read: exit 3, nothing sent"
chmod 644 "$TMP/auth"
n=$(wc -l <"$TMP/put.log")
up --upload-url https://uploads.example/basic --upload-auth-file "$TMP/auth"
expect_rc 3
expect_first "^EDGE UPLINK UNKNOWN - upload credentials $TMP/auth: others can read it"
[ "$(wc -l <"$TMP/put.log")" = "$n" ] && pass "nothing was sent" || fail "a request went out"
ep_done
