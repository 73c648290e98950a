#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "uplink_settings.h"

/* The seed's one high-data machine, by the protocol it is read over. */
static const char *const high_data_protocols[] = {"fanuc-focas", NULL};

bool
ep_uplink_high_data_protocol(const char *protocol)
{
  size_t i;

  for (i = 0; protocol && high_data_protocols[i]; i++)
    if (strcmp(protocol, high_data_protocols[i]) == 0)
      return true;
  return false;
}

const char *
ep_uplink_url_problem(const char *url)
{
  const char *host, *end;

  if (strncmp(url, "https://", 8) != 0)
    return "expected an https:// URL (the upload goes the way the plant's "
           "cloud traffic does, TLS on 443)";
  host = url + 8;
  end = host + strcspn(host, "/?#");
  if (end == host)
    return "the URL has no host";
  if (memchr(host, '@', (size_t)(end - host)))
    return "credentials are not allowed in the URL (uplink.auth_file or "
           "--upload-auth-file)";
  return NULL;
}

/* A number from 1 to 1000 (the headroom: 4, 1.5). */
static enum ep_status
decode_headroom(const struct ep_decoder *d, const char *path, json_object *v,
                void *field)
{
  double x;

  if (!json_object_is_type(v, json_type_int) &&
      !json_object_is_type(v, json_type_double))
    return ep_decode_expected(d, path, "a number", v);
  x = json_object_get_double(v);
  if (!(x >= 1 && x <= 1000))
    return ep_decode_invalid(d, path, "expected a number from 1 to 1000");
  *(double *)field = x;
  return EP_OK;
}

static void
release_nothing(void *field)
{
  (void)field;
}

#define AT(m) offsetof(struct ep_uplink_profile, m)
static const struct ep_field fields[] = {
  {.member = "upload_url", .type = EP_FIELD_STRING, .offset = AT(upload_url)},
  {.member = "auth_file", .type = EP_FIELD_STRING, .offset = AT(auth_file)},
  {.member = "machines", .type = EP_FIELD_INT, .offset = AT(machines),
   .lo = 0, .hi = 100000, .default_int = -1},
  {.member = "high_data_machines", .type = EP_FIELD_INT,
   .offset = AT(high_data_machines), .lo = 0, .hi = 100000},
  {.member = "headroom", .type = EP_FIELD_CUSTOM, .offset = AT(headroom),
   .decode = decode_headroom, .release = release_nothing},
  {.member = "upload_seconds", .type = EP_FIELD_INT,
   .offset = AT(upload_seconds), .lo = 1, .hi = 120, .default_int = 10},
  {.member = "upload_interval", .type = EP_FIELD_INT,
   .offset = AT(upload_interval), .lo = 60, .hi = 7 * 86400,
   .default_int = 3600},
  {.member = "train_queries", .type = EP_FIELD_INT,
   .offset = AT(train_queries), .lo = 2, .hi = 100, .default_int = 20},
  {.member = "train_interval_ms", .type = EP_FIELD_INT,
   .offset = AT(train_interval_ms), .lo = 10, .hi = 1000,
   .default_int = 50},
  {.member = "warning", .type = EP_FIELD_RANGE, .offset = AT(warning),
   .default_string = "2"},
  {.member = "critical", .type = EP_FIELD_RANGE, .offset = AT(critical),
   .default_string = "25"},
  {.member = "jitter_warning", .type = EP_FIELD_RANGE,
   .offset = AT(jitter_warning), .default_string = "0.03"},
  {.member = "jitter_critical", .type = EP_FIELD_RANGE,
   .offset = AT(jitter_critical), .default_string = "0.1"},
  /* The dns check judges the resolvers' response time already. */
  {.member = "rtt_warning", .type = EP_FIELD_RANGE, .offset = AT(rtt_warning)},
  {.member = "rtt_critical", .type = EP_FIELD_RANGE,
   .offset = AT(rtt_critical)},
  {.member = "queue_warning", .type = EP_FIELD_RANGE,
   .offset = AT(queue_warning), .default_string = "0.3"},
  {.member = "queue_critical", .type = EP_FIELD_RANGE,
   .offset = AT(queue_critical)},
  {.member = "allow_cellular", .type = EP_FIELD_BOOL,
   .offset = AT(allow_cellular)},
  /* The levels WiFi designs use for reliable data (voice wants -67 too). */
  {.member = "signal_warning", .type = EP_FIELD_STRING,
   .offset = AT(signal_warning), .default_string = "-67"},
  {.member = "signal_critical", .type = EP_FIELD_STRING,
   .offset = AT(signal_critical), .default_string = "-75"},
  /* LTE's RSRP: -100 dBm is where operators draw "poor", -110 the edge
   * of usable coverage. */
  {.member = "cellular_signal_warning", .type = EP_FIELD_STRING,
   .offset = AT(cellular_signal_warning), .default_string = "-100"},
  {.member = "cellular_signal_critical", .type = EP_FIELD_STRING,
   .offset = AT(cellular_signal_critical), .default_string = "-110"},
  {NULL}};

static enum ep_status
check_url(const char *what, const char *value, struct ep_err *err)
{
  const char *why = ep_uplink_url_problem(value);

  if (!why)
    return EP_OK;
  /* Named without its query (a presigned URL's signature is there), and
   * not at all when it holds credentials. */
  if (strchr(value, '@'))
    return ep_err_set(err, EP_EINVAL, "%s: %s", what, why);
  return ep_err_set(err, EP_EINVAL, "%s '%.*s': %s", what,
                    (int)strcspn(value, "?#"), value, why);
}

static enum ep_status
check_machines(const char *what, const char *value, struct ep_err *err)
{
  return ep_option_whole_number(what, value, 0, 100000, " of machines", NULL,
                                err);
}

static enum ep_status
check_headroom(const char *what, const char *value, struct ep_err *err)
{
  char  *end;
  double x = strtod(value, &end);

  if (end == value || *end || !(x >= 1 && x <= 1000))
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s' is not a number from 1 to 1000", what, value);
  return EP_OK;
}

static enum ep_status
check_upload_seconds(const char *what, const char *value, struct ep_err *err)
{
  return ep_option_whole_number(what, value, 1, 120, " of seconds", NULL, err);
}

static enum ep_status
check_interval(const char *what, const char *value, struct ep_err *err)
{
  return ep_option_whole_number(what, value, 60, 7 * 86400, " of seconds", NULL,
                                err);
}

#define BOTH (EP_SCOPE_SINGLE | EP_SCOPE_CHECKLIST)
const struct ep_option ep_uplink_option_upload_url = {
  .name = "upload-url",
  .arg = "URL",
  .key = "UploadURL",
  .scope = BOTH,
  .help = "measure what the uplink carries with a paced HTTPS PUT there\n"
          "(a URL that takes a body; no credentials in it)",
  .check = check_url};
const struct ep_option ep_uplink_option_auth_file = {
  .name = "upload-auth-file",
  .arg = "FILE",
  .key = "UploadAuthFile",
  .scope = BOTH,
  .help = "the upload's credentials: user:password (Basic) or a token\n"
          "(Bearer)",
  .needs = &ep_uplink_option_upload_url,
  .needs_why = "credentials for the upload"};
const struct ep_option ep_uplink_option_machines = {
  .name = "machines",
  .arg = "N",
  .key = "Machines",
  .scope = BOTH,
  .help = "the plant's machines, when the profile does not list them",
  .check = check_machines};
const struct ep_option ep_uplink_option_high_data = {
  .name = "high-data-machines",
  .arg = "N",
  .key = "HighDataMachines",
  .scope = BOTH,
  .help = "how many of them are high-data (FANUC FOCAS, ~5 kbps each)",
  .check = check_machines};
const struct ep_option ep_uplink_option_headroom = {
  .name = "headroom",
  .arg = "X",
  .key = "Headroom",
  .scope = BOTH,
  .help = "the upload is paced at the need times X (default 4)",
  .check = check_headroom};
const struct ep_option ep_uplink_option_seconds = {
  .name = "upload-seconds",
  .arg = "S",
  .key = "UploadSeconds",
  .scope = BOTH,
  .help = "the upload's length (default 10; cut to fit the timeout)",
  .check = check_upload_seconds};
const struct ep_option ep_uplink_option_interval = {
  .name = "upload-interval",
  .arg = "S",
  .key = "UploadInterval",
  .scope = EP_SCOPE_CHECKLIST,
  .help = "a long-lived front end uploads at most this often (default\n"
          "3600); between, it reports the last measurement",
  .check = check_interval};
const struct ep_option ep_uplink_option_capacity = {
  .name = "capacity",
  .scope = EP_SCOPE_SINGLE,
  .help = "upload unpaced for the same time and report the rate reached\n"
          "(an engineer's one-off measurement; it fills the link)",
  .needs = &ep_uplink_option_upload_url,
  .needs_why = "where to upload"};
static const struct ep_option *const options[] = {
  &ep_uplink_option_upload_url, &ep_uplink_option_auth_file,
  &ep_uplink_option_machines,   &ep_uplink_option_high_data,
  &ep_uplink_option_headroom,   &ep_uplink_option_seconds,
  &ep_uplink_option_interval,   &ep_uplink_option_capacity,
  NULL};

const struct ep_section ep_uplink_section = {
  "uplink", false, sizeof(struct ep_uplink_profile), fields, options};

/* The check plugin of this kind alone (check_edge_uplink). */
const struct ep_kind_doc ep_uplink_doc = {
  .synopsis =
    "tells whether the uplink carries what the plant's machines need: a\n"
    "paced HTTPS upload judged on what the receiver acknowledged, the\n"
    "round trip under that load against idle, and a train of DNS queries\n"
    "to the working resolver for loss and jitter",
  .usage =
    "[-P PROFILE] [--upload-url URL] [--upload-auth-file FILE]\n"
    "   [--machines N] [--high-data-machines N] [--headroom X]\n"
    "   [--upload-seconds S] [--capacity] [-w LOSS] [-c LOSS]\n"
    "   [--cacert FILE] [--proxy URL] [-D ADDR] [-t SECONDS] [-I IFACE]\n"
    "   [--format nagios|json] [-v]",
  .help =
    "Options of this check:\n"
    " --upload-url URL   an https:// URL that takes a PUT of any body (an S3\n"
    "    presigned URL, a location of the NOC's own nginx); without one,\n"
    "    capacity is not measured and the check says so\n"
    " --upload-auth-file FILE   user:password or a token for it\n"
    " --machines N, --high-data-machines N   what the need counts when the\n"
    "    profile lists no machines (~1 kbps each, ~5 kbps high-data)\n"
    " --headroom X   pace the upload at the need times X (default 4):\n"
    "    OK when the link keeps up, WARNING when it carries the need but not\n"
    "    the headroom, CRITICAL when not even the need\n"
    " --upload-seconds S   how long the upload lasts (default 10)\n"
    " --capacity   upload as fast as the link goes instead, and report it\n"
    " --cacert, --proxy, --proxy-auth-file, -I   as the https check's\n"
    " -w/-c apply to the DNS train's loss in percent (profile default 2\n"
    "    and 25); jitter, round trip and queueing thresholds are the\n"
    "    profile's (uplink.jitter_warning, ...)\n",
  .examples =
    " check_edge_uplink --machines 50 \\\n"
    "     --upload-url https://uploads.plant.example/edgeprobe\n"
    "    is the uplink enough for 50 machines, four times over?\n"
    " check_edge_uplink --capacity --upload-url https://... -t 20\n"
    "    how much does the uplink carry, right now\n"};

/* How the whole checklist speaks of this check. */
const struct ep_kind_report ep_uplink_reporting = {
  /* The vendor's "Bandwidth is sufficient for number of machines". */
  .item_id = "bandwidth",
  .item_title = "Uplink",
  .short_title = "uplink",
  .roles = EP_ROLE_CLOUD | EP_ROLE_LINK,
  .figures = (const struct ep_checklist_figure[]){
    {"rate", "uplink_rate", true, false, EP_UNIT_BITS_PER_SECOND},
    {"loss", "uplink_dns_loss", false, false, EP_UNIT_PERCENT},
    {"queue_delay", "uplink_queue_delay", false, false, EP_UNIT_SECONDS},
    {NULL, NULL, false, false, EP_UNIT_SECONDS}}};

/* Its targets' figures, as collectd and the MIB keep them. */
const struct ep_figure_decl ep_uplink_figures[] = {
  {"need", "bitrate", true, 7, EP_MIB_WHOLE},
  {"paced", "bitrate", true, 8, EP_MIB_WHOLE},
  {"rate", "bitrate", true, 9, EP_MIB_WHOLE},
  {"delivery_rate", "bitrate", true, 10, EP_MIB_WHOLE},
  {"idle_rtt", "response_time", true, 11, EP_MIB_MICROSECONDS},
  {"loaded_rtt", "response_time", true, 12, EP_MIB_MICROSECONDS},
  {"queue_delay", "delay", true, 13, EP_MIB_MICROSECONDS},
  {"retransmits", "count", true, 14, EP_MIB_WHOLE},
  {"age", "duration", true, 15, EP_MIB_WHOLE},
  {"loss", "percent", true, 16, EP_MIB_HUNDREDTHS},
  {"rtt", "response_time", true, 17, EP_MIB_MICROSECONDS},
  {"jitter", "delay", true, 18, EP_MIB_MICROSECONDS},
  /* The link (no types.db type takes a 10 Gb/s Ethernet's speed). */
  {"link_speed", NULL, true, 22, EP_MIB_KILO},
  {"frequency", NULL, true, 27, EP_MIB_WHOLE},
  {"signal", "signal_power", true, 28, EP_MIB_SIGNED_WHOLE},
  {"tx_bitrate", "bitrate", true, 29, EP_MIB_KILO},
  {"rx_bitrate", "bitrate", true, 30, EP_MIB_KILO},
  {"cell_quality", "percent", true, 34, EP_MIB_WHOLE},
  {"rsrp", "signal_power", true, 35, EP_MIB_SIGNED_HUNDREDTHS},
  {"rsrq", "gauge", true, 36, EP_MIB_SIGNED_HUNDREDTHS},
  {"sinr", "gauge", true, 37, EP_MIB_SIGNED_HUNDREDTHS},
  {"rssi", "signal_power", true, 38, EP_MIB_SIGNED_HUNDREDTHS},
  {NULL, NULL, false, 0, EP_MIB_MICROSECONDS}};

/* Its table of EDGEPROBE-MIB (snmp/EDGEPROBE-MIB.txt): its words, from
 * the JSON's "link". */
static const struct ep_mib_text link_texts[] = {
  {19, "link.interface"},
  {20, "link.gateway"},
  {21, "link.kind"},
  {23, "link.duplex"},
  {24, "link.wifi.ssid"},
  {25, "link.wifi.bssid"},
  {26, "link.wifi.security_words"},
  {31, "link.cellular.technology"},
  {32, "link.cellular.operator"},
  {33, "link.cellular.registration"},
  {39, "link.cellular.state"},
  {0, NULL}};
const struct ep_kind_mib ep_uplink_mib = {8, 6, 0, link_texts};
