#!/bin/sh
# Draws docs/collectd.md's graphs from a real collectd run: edgeprobe.so and
# collectd's rrdtool plugin, for MINUTES (default 15), against local
# servers in a network namespace of the run's own (a chronyd 10 s ahead
# whose clock runs 500 ppm fast under libfaketime, nginx with the test
# PKI, dnsmasq), then `rrdtool graph` from the RRD files it wrote into
#   docs/collectd-ntp-offset.png  the NTP offset, growing with the drift
#   docs/collectd-https-time.png  HTTPS total and TLS handshake time
# Run as root from the source tree after a build:
#   sh docs/collectd-graph.sh _build [MINUTES]
# Needs collectd-core and rrdtool.

[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR [MINUTES]" >&2; exit 2; }
EP_BUILDDIR=$(cd "$1" && pwd) || exit 2
EP_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
minutes=${2:-15}
docs="$EP_SRCDIR/docs"
. "$EP_SRCDIR/tests/integration/lib.sh"
command -v rrdtool >/dev/null || { echo "needs rrdtool (apt-get install rrdtool)" >&2; exit 1; }
ep_setup
collectd_setup
for c in nginx chronyd dnsmasq; do command -v $c >/dev/null || skip "needs $c"; done

start_dnsmasq 127.0.0.53 --host-record=api.example.com,127.0.0.10 --local=/example.com/
start_chronyd 127.0.0.15 "+10s x1.0005"
P="$TMP/pki"
mkdir -p "$P"
https_ca "$P" ca "edgeprobe test CA" && https_leaf "$P" api ca 90 "DNS:api.example.com" ||
  { echo "cannot make the PKI" >&2; exit 1; }
start_https_nginx "$(https_server 127.0.0.10 api 'location / { return 200 "ok\n"; }')"
wait_tcp 127.0.0.10 443
cat >"$TMP/site.json" <<JSON
{ "timeout": 5,
  "dns": { "servers": ["127.0.0.53"], "fallback": "none" },
  "ntp": { "servers": ["127.0.0.15"] },
  "https": { "targets": ["api.example.com"] } }
JSON
sleep 1

R="$TMP/run"
collectd_conf "$R/collectd.conf" "$R" gw1 "  Profile \"$TMP/site.json\"
  CACert \"$P/ca.pem\"
  ExpectIssuer \"edgeprobe test CA\"
  <Check \"ntp\">
    Interval 64
  </Check>
  <Check \"https\">
    Interval 10
  </Check>" "LoadPlugin rrdtool
<Plugin rrdtool>
  DataDir \"$R/rrd\"
</Plugin>"
start=$(date +%s)
start_collectd "$R/collectd.conf"
echo "collecting for $minutes minutes"
sleep $((minutes * 60))
stop_collectd
end=$(date +%s)

rrd="$R/rrd/gw1"
rrdtool graph "$docs/collectd-ntp-offset.png" --start "$start" --end "$end" \
  --width 640 --height 200 --alt-autoscale --units-exponent 0 --left-axis-format "%.2lf" \
  --title "edgeprobe.so: NTP offset of 127.0.0.15 (a clock 500 ppm fast)" \
  --vertical-label "seconds" \
  "DEF:o=$rrd/edgeprobe-ntp/time_offset-127.0.0.15.rrd:value:AVERAGE" \
  "LINE2:o#0060c0:offset" "GPRINT:o:MIN:min %.4lf s" "GPRINT:o:MAX:max %.4lf s" >/dev/null &&
  rrdtool graph "$docs/collectd-https-time.png" --start "$start" --end "$end" \
    --width 640 --height 200 --lower-limit 0 \
    --title "edgeprobe.so: HTTPS to api.example.com (local nginx)" \
    --vertical-label "seconds" \
    "DEF:t=$rrd/edgeprobe-https/response_time-api.example.com-total.rrd:value:AVERAGE" \
    "DEF:h=$rrd/edgeprobe-https/response_time-api.example.com-tls.rrd:value:AVERAGE" \
    "LINE2:t#c04000:total" "GPRINT:t:AVERAGE:mean %.4lf s" \
    "LINE2:h#00a040:TLS handshake" "GPRINT:h:AVERAGE:mean %.4lf s" >/dev/null ||
  { echo "rrdtool graph failed; the RRD files: $(find "$R/rrd" -name '*.rrd')" >&2; exit 1; }
echo "wrote $docs/collectd-ntp-offset.png and $docs/collectd-https-time.png"
