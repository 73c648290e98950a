#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_cause.h"
#include "uplink_link_report.h"

/* MMModemState: registered and above can carry data. */
#define MODEM_REGISTERED 8
#define MM_REGISTRATION_DENIED 3

enum ep_status
ep_uplink_dbm_range(const char *text, const char *what, struct ep_range *out,
                    struct ep_err *err)
{
  char  *end, range[48];
  double v = text ? strtod(text, &end) : 0;

  if (!text)
    return ep_range_parse(out, NULL, what, err);
  if (end == text || *end || !(v >= -200 && v <= 0))
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s' is not a signal level in dBm (a number "
                      "from -200 to 0, such as \"-67\")", what, text);
  snprintf(range, sizeof range, "%s:", text);
  return ep_range_parse(out, range, what, err);
}

static void
verdict(struct ep_uplink_link_verdict *v, enum ep_state state,
        const char *cause, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static void
vfinding(struct ep_uplink_link_verdict *v, bool heading, enum ep_state state,
         const char *cause, const char *fmt, va_list ap)
  __attribute__((format(printf, 5, 0)));

/* Records a finding; one worse than the worst so far (the first of the
 * worst speaks) sets the verdict's state and cause. */
static void
vfinding(struct ep_uplink_link_verdict *v, bool heading, enum ep_state state,
         const char *cause, const char *fmt, va_list ap)
{
  struct ep_uplink_link_finding *f;

  if (v->n == EP_UPLINK_FINDINGS_MAX)
    return;
  f = &v->findings[v->n];
  f->state = state;
  f->heading = heading;
  vsnprintf(f->words, sizeof f->words, fmt, ap);
  snprintf(f->subject, sizeof f->subject, "%s", v->subject);
  if (state != EP_STATE_OK && ep_state_worse(state, v->state) != v->state) {
    v->state = state;
    v->cause = cause;
    v->worst = v->n;
  }
  v->n++;
}

static void
verdict(struct ep_uplink_link_verdict *v, enum ep_state state,
        const char *cause, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static void
verdict(struct ep_uplink_link_verdict *v, enum ep_state state,
        const char *cause, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vfinding(v, false, state, cause, fmt, ap);
  va_end(ap);
}

/* The subject's own words, which a why about it replaces. */
static void
heading(struct ep_uplink_link_verdict *v, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void
heading(struct ep_uplink_link_verdict *v, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vfinding(v, true, EP_STATE_OK, NULL, fmt, ap);
  va_end(ap);
}

static void
append(char *out, size_t size, const char *words)
{
  size_t len = strlen(out);

  snprintf(out + len, size - len, "%s%s", len ? ", " : "", words);
}

/* The why (the worst finding, led by its subject unless its words name
 * it), then the rest; a heading the subject already says goes. */
static void
compose(struct ep_uplink_link_verdict *v)
{
  const struct ep_uplink_link_finding *w = &v->findings[v->worst];
  bool   bad = v->state != EP_STATE_OK && v->n > 0;
  bool   lead = bad && w->subject[0] &&
                strncmp(w->words, w->subject, strlen(w->subject)) != 0;
  size_t i;

  v->text[0] = v->why[0] = '\0';
  if (bad) {
    snprintf(v->why, sizeof v->why, "%.95s%s%.159s", lead ? w->subject : "",
             lead ? ": " : "", w->words);
    append(v->text, sizeof v->text, v->why);
  }
  for (i = 0; i < v->n; i++) {
    const struct ep_uplink_link_finding *f = &v->findings[i];

    if (bad && (i == v->worst ||
                (f->heading && strstr(w->subject, f->words))))
      continue;
    append(v->text, sizeof v->text, f->words);
  }
}

static void
rate_words(char *out, size_t size, double bps)
{
  if (bps >= 1e9 && fmod(bps, 1e9) == 0)
    snprintf(out, size, "%.0f Gb/s", bps / 1e9);
  else if (bps >= 1e6)
    snprintf(out, size, "%.*f Mb/s", fmod(bps, 1e6) == 0 ? 0 : 1,
             bps / 1e6);
  else
    snprintf(out, size, "%.0f kb/s", bps / 1e3);
}

static void
judge_ethernet(const struct ep_uplink_link_seen *s,
               struct ep_uplink_link_verdict *v)
{
  char speed[32];
  bool slow = s->info.have_speed && s->info.speed_mbps <= 10;
  bool half = s->info.have_duplex && !s->info.full_duplex;

  rate_words(speed, sizeof speed, s->info.speed_mbps * 1e6);
  verdict(v, slow || half ? EP_STATE_WARNING : EP_STATE_OK,
          EP_CAUSE_LINK_SLOW_ETHERNET, "Ethernet%s%s%s%s",
          s->info.have_speed ? " " : "", s->info.have_speed ? speed : "",
          s->info.have_duplex ? (s->info.full_duplex ? " full duplex"
                                                     : " half duplex")
                              : "",
          slow && half ? " (a failed negotiation, a duplex mismatch or an "
                         "old hub)"
          : slow       ? " (a failed negotiation, a bad cable or an old hub)"
          : half       ? " (half duplex: a duplex mismatch or an old hub)"
                       : "");
}

/* The signal against its ranges: below critical, below warning. */
static enum ep_state
signal_state(double dbm, const struct ep_range *warn,
             const struct ep_range *crit)
{
  return ep_state_from_ranges(dbm, warn, crit);
}

/* The seed requires WPA2/WPA3: open, WEP and TKIP are broken; WPA with
 * CCMP and Enhanced Open (encrypted, but anyone may join) fall short. */
static enum ep_state
wifi_security_state(enum ep_wifi_security s)
{
  switch (s) {
    case EP_WIFI_SECURITY_WPA2:
    case EP_WIFI_SECURITY_WPA3:
      return EP_STATE_OK;
    case EP_WIFI_SECURITY_WPA:
    case EP_WIFI_SECURITY_OWE:
    case EP_WIFI_SECURITY_UNKNOWN:
      return EP_STATE_WARNING;
    case EP_WIFI_SECURITY_OPEN:
    case EP_WIFI_SECURITY_WEP:
    case EP_WIFI_SECURITY_TKIP_ONLY:
      break;
  }
  return EP_STATE_CRITICAL;
}

static void
judge_wifi_radio(const struct ep_wifi_info *w, const char *ifname,
                 const struct ep_uplink_link_limits *l,
                 struct ep_uplink_link_verdict *v)
{
  enum ep_state weak;

  snprintf(v->subject, sizeof v->subject, "%.15s (WiFi '%.64s')", ifname,
           w->ssid_text);
  heading(v, "WiFi '%s'", w->ssid_text);
  if (w->security == EP_WIFI_SECURITY_UNKNOWN)
    verdict(v, EP_STATE_WARNING, EP_CAUSE_LINK_RADIO_UNKNOWN,
            "security unknown (no scan result for %s)",
            w->bssid[0] ? w->bssid : "its access point");
  else
    verdict(v, wifi_security_state(w->security), EP_CAUSE_LINK_WIFI_INSECURE,
            "%s%s", w->security_words,
            wifi_security_state(w->security) == EP_STATE_OK
              ? ""
              : " (the vendor requires WPA2/WPA3)");
  if (w->frequency_mhz)
    verdict(v, EP_STATE_OK, NULL, "%u MHz", w->frequency_mhz);
  if (w->have_signal) {
    weak = signal_state(w->signal_dbm, &l->signal_warn, &l->signal_crit);
    verdict(v, weak, EP_CAUSE_LINK_WEAK, "signal %d dBm%s", w->signal_dbm,
            weak == EP_STATE_OK ? "" : " (weak)");
  }
  if (w->have_tx_bitrate && w->have_rx_bitrate)
    verdict(v, EP_STATE_OK, NULL, "bitrate tx %.1f / rx %.1f Mb/s",
            w->tx_bitrate_bps / 1e6, w->rx_bitrate_bps / 1e6);
}

static void
judge_wifi(const struct ep_uplink_link_seen *s,
           const struct ep_uplink_link_limits *l,
           struct ep_uplink_link_verdict *v)
{
  if (s->wifi_rc == EP_ESYS)
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_LINK_DOWN, "%s",
            s->radio_error);
  else if (s->wifi_rc != EP_OK)
    verdict(v, EP_STATE_WARNING, EP_CAUSE_LINK_RADIO_UNKNOWN,
            "WiFi, its radio not read: %s", s->radio_error);
  else if (!s->wifi.associated)
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_LINK_DOWN,
            "WiFi not associated with any network");
  else
    judge_wifi_radio(&s->wifi, s->info.ifname, l, v);
}

/* The modem's signal: RSRP where it reports one (LTE, 5G), else RSSI. */
static bool
cell_signal(const struct ep_cell_info *c, double *dbm, const char **name)
{
  if (c->have_rsrp) {
    *dbm = c->rsrp_dbm;
    *name = "RSRP";
    return true;
  }
  if (c->have_rssi) {
    *dbm = c->rssi_dbm;
    *name = "RSSI";
    return true;
  }
  return false;
}

static void
cell_figures(const struct ep_cell_info *c, const struct ep_uplink_link_limits *l,
             struct ep_uplink_link_verdict *v)
{
  const char   *name;
  double        dbm;
  enum ep_state weak;

  if (c->have_quality)
    verdict(v, EP_STATE_OK, NULL, "signal %u%%", c->quality_pct);
  if (cell_signal(c, &dbm, &name)) {
    weak = signal_state(dbm, &l->cell_signal_warn, &l->cell_signal_crit);
    verdict(v, l->allow_cellular ? weak : EP_STATE_OK, EP_CAUSE_LINK_WEAK,
            "%s %.0f dBm%s", name, dbm, weak == EP_STATE_OK ? "" : " (weak)");
  }
  if (c->have_rsrq)
    verdict(v, EP_STATE_OK, NULL, "RSRQ %.0f dB", c->rsrq_db);
  if (c->have_sinr)
    verdict(v, EP_STATE_OK, NULL, "SINR %.0f dB", c->sinr_db);
  if (c->signal_setup && !c->have_rsrp && !c->have_rssi)
    verdict(v, EP_STATE_OK, NULL,
            "signal figures not in yet (their refresh was off)");
}

static void
judge_modem(const struct ep_cell_info *c, const struct ep_uplink_link_limits *l,
            struct ep_uplink_link_verdict *v)
{
  bool down = c->state < MODEM_REGISTERED ||
              (c->have_registration &&
               c->registration == MM_REGISTRATION_DENIED);

  verdict(v, down ? EP_STATE_CRITICAL : EP_STATE_OK, EP_CAUSE_LINK_DOWN,
          "modem %s%s%s%s", c->state_words,
          c->have_registration ? " (registration " : "",
          c->have_registration ? c->registration_words : "",
          c->have_registration ? ")" : "");
  if (c->technology[0])
    verdict(v, EP_STATE_OK, NULL, "%s", c->technology);
  if (c->operator_name[0])
    verdict(v, EP_STATE_OK, NULL, "%s", c->operator_name);
  cell_figures(c, l, v);
}

static void
judge_cellular(const struct ep_uplink_link_seen *s,
               const struct ep_uplink_link_limits *l,
               struct ep_uplink_link_verdict *v)
{
  const struct ep_cell_info *c = &s->cell;

  snprintf(v->subject, sizeof v->subject, "cellular uplink (%s)",
           s->info.ifname);
  if (l->allow_cellular)
    heading(v, "%s", v->subject);
  else
    verdict(v, EP_STATE_WARNING, EP_CAUSE_LINK_CELLULAR,
            "%s: not supported by the vendor", v->subject);
  if (!s->cell_asked)
    return;
  if (s->cell_rc != EP_OK)
    verdict(v, EP_STATE_WARNING, EP_CAUSE_LINK_RADIO_UNKNOWN,
            "its modem not read: %s", s->radio_error);
  else if (c->absence == EP_CELL_NO_BUS)
    verdict(v, EP_STATE_OK, NULL, "no D-Bus system bus to ask ModemManager");
  else if (c->absence == EP_CELL_NO_MANAGER)
    verdict(v, EP_STATE_OK, NULL, "ModemManager is not running");
  else if (c->absence == EP_CELL_NO_MODEM)
    verdict(v, EP_STATE_OK, NULL, "ModemManager has no modem on %s",
            s->info.ifname);
  else
    judge_modem(c, l, v);
}

static const char *
link_kind_words(const struct ep_uplink_link_seen *s)
{
  if (s->info.kind == EP_LINK_TUNNEL)
    return "tunnel";
  if (s->info.kind == EP_LINK_LOOPBACK)
    return "loopback";
  return s->info.info_kind[0] ? s->info.info_kind : "link";
}

/* The main link: its state first, then what its kind says. */
static void
judge_main(const struct ep_uplink_link_findings *f,
           const struct ep_uplink_link_limits *l,
           struct ep_uplink_link_verdict *v)
{
  const struct ep_uplink_link_seen *s = ep_uplink_link_main(f);
  const struct ep_route            *r = ep_uplink_link_main_route(f);

  snprintf(v->subject, sizeof v->subject, "%s", s->info.ifname);
  /* A modem's words name its interface themselves. */
  if (!ep_uplink_link_is_cellular(s))
    heading(v, "%s%s%s", s->info.ifname, r && r->has_gateway ? " via " : "",
            r && r->has_gateway ? r->gateway : "");
  if (!s->have_info) {
    verdict(v, EP_STATE_WARNING, EP_CAUSE_LINK_RADIO_UNKNOWN, "%s",
            s->info_error);
    return;
  }
  if (!s->info.admin_up || !s->info.carrier) {
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_LINK_DOWN, "%s is %s (%s)",
            s->info.ifname, !s->info.admin_up ? "down" : "without carrier",
            s->info.operstate);
    return;
  }
  if (ep_uplink_link_is_cellular(s))
    judge_cellular(s, l, v);
  else if (s->info.kind == EP_LINK_WIFI)
    judge_wifi(s, l, v);
  else if (s->info.kind == EP_LINK_ETHERNET)
    judge_ethernet(s, v);
  else
    verdict(v, EP_STATE_OK, NULL, "%s", link_kind_words(s));
  /* A port a modem may own, and ModemManager would not say whose. */
  if (!ep_uplink_link_is_cellular(s) && s->cell_asked && s->cell_rc != EP_OK)
    verdict(v, EP_STATE_OK, NULL, "%s", s->radio_error);
}

/* Where the route goes against where the profile says it must: never
 * into the machine network; out of the company side when one is named. */
static void
judge_sides(const struct ep_uplink_link_findings *f,
            struct ep_uplink_link_verdict *v)
{
  const struct ep_uplink_link_seen *s = ep_uplink_link_main(f);
  size_t                            i;

  for (i = 0; f->machine && i < f->n_links; i++)
    if (strcmp(f->links[i].info.ifname, f->machine) == 0)
      verdict(v, EP_STATE_CRITICAL, EP_CAUSE_LINK_MACHINE_NETWORK,
              "cloud traffic leaves through the machine network (%s)",
              f->machine);
  if (f->machine && f->machine_default_route)
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_LINK_MACHINE_DEFAULT,
            "default route on the machine network (%s)", f->machine);
  if (s && f->company && strcmp(s->info.ifname, f->company) != 0 &&
      (!f->machine || strcmp(s->info.ifname, f->machine) != 0))
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_LINK_WRONG_INTERFACE,
            "cloud traffic leaves through %s, not %s (the company side, -I "
            "or the profile's interface)", s->info.ifname, f->company);
}

static const struct ep_uplink_route_seen *
first_unrouted(const struct ep_uplink_link_findings *f)
{
  size_t i;

  for (i = 0; i < f->n_endpoints; i++)
    if (f->endpoints[i].resolved && !f->endpoints[i].routed)
      return &f->endpoints[i];
  return NULL;
}

void
ep_uplink_link_judge(const struct ep_uplink_link_findings *f,
                     const struct ep_uplink_link_limits *l,
                     struct ep_uplink_link_verdict *v)
{
  const struct ep_uplink_route_seen *u = first_unrouted(f);
  size_t                             i;

  memset(v, 0, sizeof *v);
  if (f->n_links)
    judge_main(f, l, v);
  v->subject[0] = '\0';
  for (i = 0; i < f->n_links; i++)
    if (i != f->main)
      verdict(v, EP_STATE_OK, NULL, "%s too (%zu of %zu)",
              f->links[i].info.ifname, f->links[i].carries, f->n_routed);
  /* The kernel's words name the address ("no route to 203.0.113.1
   * (Network is unreachable)"); a name leads them. */
  if (u)
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_NO_ROUTE, "%s%s%s",
            strcmp(u->endpoint, u->address) ? u->endpoint : "",
            strcmp(u->endpoint, u->address) ? ": " : "", u->error);
  if (u && f->n_unrouted > 1)
    verdict(v, EP_STATE_CRITICAL, EP_CAUSE_NO_ROUTE, "%zu cloud addresses "
            "without a route", f->n_unrouted);
  judge_sides(f, v);
  if (f->machine_error[0])
    verdict(v, EP_STATE_OK, NULL, "machine network not read: %s",
            f->machine_error);
  compose(v);
}
