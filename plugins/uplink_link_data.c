#include "config.h"

#include <string.h>

#include "ep_json.h"
#include "uplink_link_report.h"

/* A figure of the link: name, unit, perfdata label, thresholds. */
static enum ep_status
perf(struct ep_target_result *r, const char *figure, enum ep_unit unit,
     const char *label, const struct ep_range *warn,
     const struct ep_range *crit, bool measured, double value)
{
  return ep_target_add_perf(
    r,
    &(struct ep_figure){.figure = figure, .unit = unit, .label = label,
                        .warn = warn, .crit = crit},
    measured, value);
}

static enum ep_status
wifi_perf(const struct ep_wifi_info *w, bool read,
          const struct ep_uplink_link_limits *l, struct ep_target_result *r)
{
  enum ep_status rc;

  read = read && w->associated;
  rc = perf(r, "signal", EP_UNIT_DBM, "wifi_signal", &l->signal_warn,
            &l->signal_crit, read && w->have_signal, w->signal_dbm);
  if (rc == EP_OK)
    rc = perf(r, "tx_bitrate", EP_UNIT_BITS_PER_SECOND, "wifi_tx_bitrate",
              NULL, NULL, read && w->have_tx_bitrate, w->tx_bitrate_bps);
  if (rc == EP_OK)
    rc = perf(r, "rx_bitrate", EP_UNIT_BITS_PER_SECOND, "wifi_rx_bitrate",
              NULL, NULL, read && w->have_rx_bitrate, w->rx_bitrate_bps);
  if (rc == EP_OK)
    rc = perf(r, "frequency", EP_UNIT_COUNT, "wifi_frequency_mhz", NULL,
              NULL, read && w->frequency_mhz, w->frequency_mhz);
  return rc;
}

static enum ep_status
cell_perf(const struct ep_cell_info *c, bool read,
          const struct ep_uplink_link_limits *l, struct ep_target_result *r)
{
  bool           judged = l->allow_cellular;
  enum ep_status rc;

  read = read && c->absence == EP_CELL_PRESENT;
  rc = perf(r, "cell_quality", EP_UNIT_PERCENT, "cell_signal_quality", NULL,
            NULL, read && c->have_quality, c->quality_pct);
  if (rc == EP_OK)
    rc = perf(r, "rsrp", EP_UNIT_DBM, "cell_rsrp",
              judged ? &l->cell_signal_warn : NULL,
              judged ? &l->cell_signal_crit : NULL, read && c->have_rsrp,
              c->rsrp_dbm);
  if (rc == EP_OK)
    rc = perf(r, "rsrq", EP_UNIT_DB, "cell_rsrq", NULL, NULL,
              read && c->have_rsrq, c->rsrq_db);
  if (rc == EP_OK)
    rc = perf(r, "sinr", EP_UNIT_DB, "cell_sinr", NULL, NULL,
              read && c->have_sinr, c->sinr_db);
  if (rc == EP_OK)
    rc = perf(r, "rssi", EP_UNIT_DBM, "cell_rssi",
              judged && !c->have_rsrp ? &l->cell_signal_warn : NULL,
              judged && !c->have_rsrp ? &l->cell_signal_crit : NULL,
              read && c->have_rssi, c->rssi_dbm);
  return rc;
}

enum ep_status
ep_uplink_link_perf(const struct ep_uplink_link_findings *f,
                    const struct ep_uplink_link_limits *l,
                    struct ep_target_result *r)
{
  const struct ep_uplink_link_seen *s = ep_uplink_link_main(f);

  if (!s || !s->have_info)
    return EP_OK;
  if (ep_uplink_link_is_cellular(s))
    return cell_perf(&s->cell, s->cell_rc == EP_OK, l, r);
  if (s->info.kind == EP_LINK_WIFI)
    return wifi_perf(&s->wifi, s->wifi_rc == EP_OK, l, r);
  if (s->info.kind == EP_LINK_ETHERNET)
    return perf(r, "link_speed", EP_UNIT_BITS_PER_SECOND, "link_speed", NULL,
                NULL, s->info.have_speed, s->info.speed_mbps * 1e6);
  return EP_OK;
}

static json_object *
text_or_null(bool known, const char *text)
{
  return known && text && text[0] ? json_object_new_string(text) : NULL;
}

static json_object *
number_or_null(bool known, double v)
{
  return known ? json_object_new_double(v) : NULL;
}

/* v (NULL: null) into d as key when rc is EP_OK; else v is freed. */
static enum ep_status
put(json_object *d, const char *key, json_object *v, enum ep_status rc)
{
  if (rc != EP_OK) {
    json_object_put(v);
    return rc;
  }
  return v ? ep_json_put(d, key, v) : ep_json_put_null(d, key);
}

static const char *
security_name(enum ep_wifi_security s)
{
  static const char *const names[] = {"unknown", "open", "wep", "tkip_only",
                                      "wpa",     "owe",  "wpa2", "wpa3"};

  return (size_t)s < sizeof names / sizeof *names ? names[s] : "unknown";
}

static json_object *
wifi_json(const struct ep_uplink_link_seen *s)
{
  const struct ep_wifi_info *w = &s->wifi;
  json_object               *o;
  bool                       a = s->wifi_rc == EP_OK && w->associated;
  enum ep_status             rc = EP_OK;

  if (!s->wifi_asked || !(o = json_object_new_object()))
    return NULL;
  rc = put(o, "associated", s->wifi_rc == EP_OK
                              ? json_object_new_boolean(w->associated)
                              : NULL, rc);
  rc = put(o, "ssid", text_or_null(a, w->ssid_text), rc);
  rc = put(o, "bssid", text_or_null(a, w->bssid), rc);
  rc = put(o, "frequency_mhz",
           a && w->frequency_mhz ? json_object_new_int((int)w->frequency_mhz)
                                 : NULL, rc);
  rc = put(o, "signal_dbm",
           a && w->have_signal ? json_object_new_int(w->signal_dbm) : NULL,
           rc);
  rc = put(o, "tx_bitrate_bps",
           number_or_null(a && w->have_tx_bitrate, w->tx_bitrate_bps), rc);
  rc = put(o, "rx_bitrate_bps",
           number_or_null(a && w->have_rx_bitrate, w->rx_bitrate_bps), rc);
  rc = put(o, "security", a ? json_object_new_string(
                                security_name(w->security)) : NULL, rc);
  rc = put(o, "security_words", text_or_null(a, w->security_words), rc);
  rc = put(o, "error", text_or_null(s->wifi_rc != EP_OK, s->radio_error),
           rc);
  if (rc != EP_OK) {
    json_object_put(o);
    return NULL;
  }
  return o;
}

static const char *
absence_name(enum ep_cell_absence a)
{
  switch (a) {
    case EP_CELL_PRESENT:
      return "present";
    case EP_CELL_NO_BUS:
      return "no_system_bus";
    case EP_CELL_NO_MANAGER:
      return "not_running";
    case EP_CELL_NO_MODEM:
      return "no_modem";
  }
  return "unknown";
}

static enum ep_status
cell_figures_json(const struct ep_cell_info *c, bool p, json_object *o)
{
  enum ep_status rc = EP_OK;

  rc = put(o, "signal_quality_pct",
           p && c->have_quality ? json_object_new_int((int)c->quality_pct)
                                : NULL, rc);
  rc = put(o, "rsrp_dbm", number_or_null(p && c->have_rsrp, c->rsrp_dbm), rc);
  rc = put(o, "rsrq_db", number_or_null(p && c->have_rsrq, c->rsrq_db), rc);
  rc = put(o, "sinr_db", number_or_null(p && c->have_sinr, c->sinr_db), rc);
  return put(o, "rssi_dbm", number_or_null(p && c->have_rssi, c->rssi_dbm),
             rc);
}

static json_object *
cell_json(const struct ep_uplink_link_seen *s)
{
  const struct ep_cell_info *c = &s->cell;
  json_object               *o;
  bool                       read = s->cell_rc == EP_OK;
  bool                       p = read && c->absence == EP_CELL_PRESENT;
  enum ep_status             rc = EP_OK;

  if (!s->cell_asked || !(o = json_object_new_object()))
    return NULL;
  rc = put(o, "modemmanager",
           read ? json_object_new_string(absence_name(c->absence)) : NULL,
           rc);
  rc = put(o, "modem", text_or_null(p, c->path), rc);
  rc = put(o, "model", text_or_null(p, c->model), rc);
  rc = put(o, "state", text_or_null(p, c->state_words), rc);
  rc = put(o, "technology", text_or_null(p, c->technology), rc);
  rc = put(o, "operator", text_or_null(p, c->operator_name), rc);
  rc = put(o, "registration",
           text_or_null(p && c->have_registration, c->registration_words),
           rc);
  rc = cell_figures_json(c, p, o) == EP_OK ? rc : EP_ENOMEM;
  rc = put(o, "error", text_or_null(!read, s->radio_error), rc);
  if (rc != EP_OK) {
    json_object_put(o);
    return NULL;
  }
  return o;
}

static json_object *
routes_json(const struct ep_uplink_link_findings *f)
{
  json_object *a = json_object_new_array();
  size_t       i;

  for (i = 0; a && i < f->n_endpoints; i++) {
    const struct ep_uplink_route_seen *e = &f->endpoints[i];
    json_object                       *o = json_object_new_object();
    enum ep_status                     rc = o ? EP_OK : EP_ENOMEM;

    rc = put(o, "endpoint", json_object_new_string(e->endpoint), rc);
    rc = put(o, "address", text_or_null(e->resolved, e->address), rc);
    rc = put(o, "interface", text_or_null(e->routed, e->route.ifname), rc);
    rc = put(o, "gateway",
             text_or_null(e->routed && e->route.has_gateway,
                          e->route.gateway), rc);
    rc = put(o, "error", text_or_null(e->resolved && !e->routed, e->error),
             rc);
    if (rc != EP_OK || json_object_array_add(a, o) != 0) {
      json_object_put(o);
      json_object_put(a);
      return NULL;
    }
  }
  return a;
}

static enum ep_status
main_json(const struct ep_uplink_link_findings *f, json_object *o)
{
  const struct ep_uplink_link_seen *s = ep_uplink_link_main(f);
  const struct ep_route            *r = ep_uplink_link_main_route(f);
  bool                              i_ok = s && s->have_info;
  /* A tun or a modem's port reports a speed of its own making. */
  bool eth = i_ok && !ep_uplink_link_is_cellular(s) &&
             s->info.kind == EP_LINK_ETHERNET;
  enum ep_status                    rc = EP_OK;
  rc = put(o, "interface", text_or_null(s != NULL, s ? s->info.ifname : ""),
           rc);
  rc = put(o, "gateway", text_or_null(r && r->has_gateway,
                                      r ? r->gateway : ""), rc);
  rc = put(o, "source", text_or_null(r != NULL, r ? r->source : ""), rc);
  rc = put(o, "kind", s ? json_object_new_string(
                            ep_uplink_link_is_cellular(s) ? "cellular"
                                           : ep_link_kind_name(s->info.kind))
                        : NULL, rc);
  rc = put(o, "driver_kind", text_or_null(i_ok, s ? s->info.info_kind : ""),
           rc);
  rc = put(o, "operstate", text_or_null(i_ok, s ? s->info.operstate : ""),
           rc);
  rc = put(o, "speed_mbps",
           eth && s->info.have_speed
             ? json_object_new_int64((int64_t)s->info.speed_mbps) : NULL, rc);
  rc = put(o, "duplex",
           eth && s->info.have_duplex
             ? json_object_new_string(s->info.full_duplex ? "full" : "half")
             : NULL, rc);
  rc = put(o, "wifi", s ? wifi_json(s) : NULL, rc);
  return put(o, "cellular", s ? cell_json(s) : NULL, rc);
}

static enum ep_status
route_detail(const struct ep_uplink_route_seen *e, struct ep_target_result *r)
{
  bool named = strcmp(e->endpoint, e->address) != 0;

  return ep_target_add_detail(r, "route to %s%s%s%s: %s%s%s", e->endpoint,
                              named ? " (" : "", named ? e->address : "",
                              named ? ")" : "", e->route.ifname,
                              e->route.has_gateway ? " via " : "",
                              e->route.has_gateway ? e->route.gateway : "");
}

enum ep_status
ep_uplink_link_data(const struct ep_uplink_link_findings *f,
                    struct ep_target_result *r)
{
  json_object   *o = json_object_new_object();
  enum ep_status rc = o ? main_json(f, o) : EP_ENOMEM;
  size_t         i;

  rc = put(o, "machine_interface", text_or_null(f->machine != NULL,
                                                f->machine), rc);
  rc = put(o, "machine_default_route",
           f->machine && !f->machine_error[0]
             ? json_object_new_boolean(f->machine_default_route) : NULL, rc);
  rc = put(o, "routes", routes_json(f), rc);
  if (ep_json_put_built(r->data, "link", o, rc) != EP_OK)
    return EP_ENOMEM;
  for (i = 0; i < f->n_endpoints; i++) {
    const struct ep_uplink_route_seen *e = &f->endpoints[i];

    /* Every route is in the JSON; the long output names those off the
     * main link. */
    if (e->routed && e->route.index != f->links[f->main].info.index &&
        route_detail(e, r) != EP_OK)
      return EP_ENOMEM;
  }
  return EP_OK;
}
