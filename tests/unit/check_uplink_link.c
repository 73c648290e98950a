/* Unit tests for the verdict on the uplink's link (uplink_link_report):
 * each finding's state, cause and exact words, from findings laid out as
 * the route, link, nl80211 and ModemManager readers leave them; the
 * order of the line (the worst first, led by what it is about); the
 * figures of the link's kind only; and the dBm thresholds' parsing. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ep_cause.h"
#include "ep_unit.h"
#include "uplink_link_report.h"

static struct ep_uplink_link_limits
limits(bool allow_cellular)
{
  struct ep_uplink_link_limits l;

  memset(&l, 0, sizeof l);
  l.allow_cellular = allow_cellular;
  ck_assert_int_eq(ep_uplink_dbm_range("-67", "w", &l.signal_warn, NULL),
                   EP_OK);
  ck_assert_int_eq(ep_uplink_dbm_range("-75", "c", &l.signal_crit, NULL),
                   EP_OK);
  ck_assert_int_eq(ep_uplink_dbm_range("-100", "w", &l.cell_signal_warn,
                                       NULL), EP_OK);
  ck_assert_int_eq(ep_uplink_dbm_range("-110", "c", &l.cell_signal_crit,
                                       NULL), EP_OK);
  return l;
}

/* Two endpoints routed out of one link of kind, via 192.0.2.1. */
static void
one_link(struct ep_uplink_link_findings *f, const char *ifname,
         enum ep_link_kind kind)
{
  size_t i;

  memset(f, 0, sizeof *f);
  f->n_endpoints = f->n_routed = 2;
  for (i = 0; i < 2; i++) {
    struct ep_uplink_route_seen *e = &f->endpoints[i];

    snprintf(e->endpoint, sizeof e->endpoint, "203.0.113.%zu", i + 1);
    snprintf(e->address, sizeof e->address, "203.0.113.%zu", i + 1);
    e->resolved = e->routed = true;
    e->route.index = 3;
    snprintf(e->route.ifname, sizeof e->route.ifname, "%s", ifname);
    e->route.has_gateway = true;
    snprintf(e->route.gateway, sizeof e->route.gateway, "192.0.2.1");
  }
  f->n_links = 1;
  f->links[0].have_info = true;
  f->links[0].carries = 2;
  f->links[0].info.index = 3;
  f->links[0].info.kind = kind;
  f->links[0].info.admin_up = f->links[0].info.carrier = true;
  snprintf(f->links[0].info.ifname, sizeof f->links[0].info.ifname, "%s",
           ifname);
  snprintf(f->links[0].info.operstate, sizeof f->links[0].info.operstate,
           "up");
}

static void
judge(const struct ep_uplink_link_findings *f, bool allow_cellular,
      struct ep_uplink_link_verdict *v)
{
  struct ep_uplink_link_limits l = limits(allow_cellular);

  ep_uplink_link_judge(f, &l, v);
}

START_TEST(ethernet_speed_and_duplex)
{
  static struct ep_uplink_link_findings f;
  static struct ep_uplink_link_verdict  v;

  one_link(&f, "eth0", EP_LINK_ETHERNET);
  f.links[0].info.have_speed = f.links[0].info.have_duplex = true;
  f.links[0].info.speed_mbps = 1000;
  f.links[0].info.full_duplex = true;
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_OK);
  ck_assert_str_eq(v.text, "eth0 via 192.0.2.1, Ethernet 1 Gb/s full duplex");
  f.links[0].info.speed_mbps = 100;
  f.links[0].info.full_duplex = false;
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  ck_assert_str_eq(v.cause, "link.slow_ethernet");
  ck_assert_str_eq(v.why, "eth0: Ethernet 100 Mb/s half duplex (half "
                          "duplex: a duplex mismatch or an old hub)");
  ck_assert_str_eq(v.text, "eth0: Ethernet 100 Mb/s half duplex (half "
                           "duplex: a duplex mismatch or an old hub), eth0 "
                           "via 192.0.2.1");
  f.links[0].info.carrier = false;
  snprintf(f.links[0].info.operstate, sizeof f.links[0].info.operstate,
           "down");
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, EP_CAUSE_LINK_DOWN);
  ck_assert_str_eq(v.why, "eth0 is without carrier (down)");
}
END_TEST

static void
wifi(struct ep_uplink_link_findings *f, enum ep_wifi_security sec,
     const char *words, int signal)
{
  struct ep_wifi_info *w = &f->links[0].wifi;

  one_link(f, "wlan0", EP_LINK_WIFI);
  f->links[0].wifi_asked = true;
  w->associated = true;
  memcpy(w->ssid, "plant", 5);
  w->ssid_len = 5;
  snprintf(w->ssid_text, sizeof w->ssid_text, "plant");
  snprintf(w->bssid, sizeof w->bssid, "02:00:00:00:01:00");
  w->frequency_mhz = 5180;
  w->have_signal = true;
  w->signal_dbm = signal;
  w->have_tx_bitrate = w->have_rx_bitrate = true;
  w->tx_bitrate_bps = 433.3e6;
  w->rx_bitrate_bps = 390e6;
  w->security = sec;
  snprintf(w->security_words, sizeof w->security_words, "%s", words);
}

START_TEST(wifi_security_and_signal)
{
  static struct ep_uplink_link_findings f;
  static struct ep_uplink_link_verdict  v;

  wifi(&f, EP_WIFI_SECURITY_WPA2, "WPA2-Personal (CCMP)", -58);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_OK);
  ck_assert_str_eq(v.text, "wlan0 via 192.0.2.1, WiFi 'plant', WPA2-Personal "
                           "(CCMP), 5180 MHz, signal -58 dBm, bitrate tx "
                           "433.3 / rx 390.0 Mb/s");
  wifi(&f, EP_WIFI_SECURITY_WPA3, "WPA3-Personal (SAE)", -70);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  ck_assert_str_eq(v.cause, EP_CAUSE_LINK_WEAK);
  ck_assert_str_eq(v.why, "wlan0 (WiFi 'plant'): signal -70 dBm (weak)");
  wifi(&f, EP_WIFI_SECURITY_WPA2, "WPA2-Personal (CCMP)", -80);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  wifi(&f, EP_WIFI_SECURITY_OPEN, "open", -50);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, "link.wifi_insecure");
  ck_assert_str_eq(v.why, "wlan0 (WiFi 'plant'): open (the vendor requires "
                          "WPA2/WPA3)");
  /* The heading the why says already is not said twice. */
  ck_assert_ptr_null(strstr(v.text, ", WiFi 'plant',"));
  wifi(&f, EP_WIFI_SECURITY_TKIP_ONLY, "WPA2 with TKIP only", -50);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  wifi(&f, EP_WIFI_SECURITY_WEP, "WEP", -50);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  wifi(&f, EP_WIFI_SECURITY_OWE, "Enhanced Open (OWE)", -50);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  wifi(&f, EP_WIFI_SECURITY_UNKNOWN, "unknown", -50);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  ck_assert_str_eq(v.cause, "link.radio_unknown");
}
END_TEST

START_TEST(wifi_not_associated_or_gone)
{
  static struct ep_uplink_link_findings f;
  static struct ep_uplink_link_verdict  v;

  wifi(&f, EP_WIFI_SECURITY_WPA2, "WPA2-Personal (CCMP)", -58);
  f.links[0].wifi.associated = false;
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, EP_CAUSE_LINK_DOWN);
  ck_assert_str_eq(v.why, "wlan0: WiFi not associated with any network");
  f.links[0].wifi_rc = EP_ESYS;
  snprintf(f.links[0].radio_error, sizeof f.links[0].radio_error,
           "wlan0 is gone (No such device)");
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.why, "wlan0 is gone (No such device)");
  f.links[0].wifi_rc = EP_ELIB;
  snprintf(f.links[0].radio_error, sizeof f.links[0].radio_error,
           "this kernel has no nl80211");
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  ck_assert_str_eq(v.cause, "link.radio_unknown");
}
END_TEST

static void
modem(struct ep_uplink_link_findings *f, int state, const char *state_words,
      unsigned registration, const char *registration_words)
{
  struct ep_cell_info *c = &f->links[0].cell;

  one_link(f, "wwan0", EP_LINK_CELLULAR);
  f->links[0].cell_asked = true;
  c->absence = EP_CELL_PRESENT;
  c->state = state;
  snprintf(c->state_words, sizeof c->state_words, "%s", state_words);
  c->have_registration = true;
  c->registration = registration;
  snprintf(c->registration_words, sizeof c->registration_words, "%s",
           registration_words);
  snprintf(c->technology, sizeof c->technology, "LTE");
  snprintf(c->operator_name, sizeof c->operator_name, "Telekom.de");
  c->have_quality = true;
  c->quality_pct = 71;
  c->have_rsrp = c->have_rsrq = c->have_sinr = true;
  c->rsrp_dbm = -95;
  c->rsrq_db = -11;
  c->sinr_db = 8;
}

START_TEST(cellular_not_supported_unless_allowed)
{
  static struct ep_uplink_link_findings f;
  static struct ep_uplink_link_verdict  v;

  modem(&f, 11, "connected", 1, "home");
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  ck_assert_str_eq(v.cause, "link.cellular_unsupported");
  ck_assert_str_eq(v.why, "cellular uplink (wwan0): not supported by the "
                          "vendor");
  ck_assert_str_eq(v.text, "cellular uplink (wwan0): not supported by the "
                           "vendor, modem connected (registration home), "
                           "LTE, Telekom.de, signal 71%, RSRP -95 dBm, RSRQ "
                           "-11 dB, SINR 8 dB");
  judge(&f, true, &v);
  ck_assert_int_eq(v.state, EP_STATE_OK);
  ck_assert_str_eq(v.text, "cellular uplink (wwan0), modem connected "
                           "(registration home), LTE, Telekom.de, signal "
                           "71%, RSRP -95 dBm, RSRQ -11 dB, SINR 8 dB");
  /* Not allowed, a weak signal is said but the warning is the vendor's. */
  f.links[0].cell.rsrp_dbm = -115;
  judge(&f, false, &v);
  ck_assert_str_eq(v.cause, "link.cellular_unsupported");
  judge(&f, true, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, EP_CAUSE_LINK_WEAK);
  ck_assert_str_eq(v.why, "cellular uplink (wwan0): RSRP -115 dBm (weak)");
  /* RSSI counts where no RSRP is reported. */
  f.links[0].cell.have_rsrp = false;
  f.links[0].cell.have_rssi = true;
  f.links[0].cell.rssi_dbm = -105;
  judge(&f, true, &v);
  ck_assert_int_eq(v.state, EP_STATE_WARNING);
  ck_assert_str_eq(v.why, "cellular uplink (wwan0): RSSI -105 dBm (weak)");
}
END_TEST

START_TEST(cellular_down_is_critical_either_way)
{
  static struct ep_uplink_link_findings f;
  static struct ep_uplink_link_verdict  v;

  modem(&f, 7, "searching", 2, "searching");
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, EP_CAUSE_LINK_DOWN);
  ck_assert_str_eq(v.why, "cellular uplink (wwan0): modem searching "
                          "(registration searching)");
  modem(&f, 8, "registered", 3, "denied");
  judge(&f, true, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, EP_CAUSE_LINK_DOWN);
  /* No ModemManager: said, not an error. */
  modem(&f, 11, "connected", 1, "home");
  f.links[0].cell.absence = EP_CELL_NO_MANAGER;
  judge(&f, true, &v);
  ck_assert_int_eq(v.state, EP_STATE_OK);
  ck_assert_str_eq(v.text, "cellular uplink (wwan0), ModemManager is not "
                           "running");
}
END_TEST

START_TEST(routes_against_the_profile)
{
  static struct ep_uplink_link_findings f;
  static struct ep_uplink_link_verdict  v;

  one_link(&f, "eno1", EP_LINK_ETHERNET);
  f.machine = "eno1";
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, "link.machine_network");
  ck_assert_str_eq(v.why,
                   "cloud traffic leaves through the machine network (eno1)");
  one_link(&f, "enp2s0", EP_LINK_ETHERNET);
  f.machine = "eno1";
  f.machine_default_route = true;
  judge(&f, false, &v);
  ck_assert_str_eq(v.cause, "link.machine_default_route");
  ck_assert_str_eq(v.why, "default route on the machine network (eno1)");
  one_link(&f, "enp3s0", EP_LINK_ETHERNET);
  f.company = "enp2s0";
  judge(&f, false, &v);
  ck_assert_str_eq(v.cause, "link.wrong_interface");
  ck_assert_str_eq(v.why, "cloud traffic leaves through enp3s0, not enp2s0 "
                          "(the company side, -I or the profile's "
                          "interface)");
  /* No route: the first address without one, and how many. */
  memset(&f, 0, sizeof f);
  f.n_endpoints = f.n_unrouted = 2;
  snprintf(f.endpoints[0].endpoint, sizeof f.endpoints[0].endpoint,
           "api.example");
  snprintf(f.endpoints[0].address, sizeof f.endpoints[0].address,
           "203.0.113.1");
  snprintf(f.endpoints[0].error, sizeof f.endpoints[0].error,
           "no route to 203.0.113.1 (Network is unreachable)");
  f.endpoints[0].resolved = true;
  f.endpoints[1] = f.endpoints[0];
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(v.cause, EP_CAUSE_NO_ROUTE);
  ck_assert_str_eq(v.text, "api.example: no route to 203.0.113.1 (Network "
                           "is unreachable), 2 cloud addresses without a "
                           "route");
  /* Nothing to look up: nothing to say. */
  memset(&f, 0, sizeof f);
  judge(&f, false, &v);
  ck_assert_int_eq(v.state, EP_STATE_OK);
  ck_assert_str_eq(v.text, "");
}
END_TEST

START_TEST(figures_of_the_kind_only)
{
  static struct ep_uplink_link_findings f;
  struct ep_uplink_link_limits          l = limits(true);
  struct ep_check_result                out;
  struct ep_target_result              *t;
  const struct ep_perf                 *p;

  memset(&out, 0, sizeof out);
  wifi(&f, EP_WIFI_SECURITY_WPA2, "WPA2-Personal (CCMP)", -58);
  t = ep_check_result_add(&out, "uplink", NULL);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(ep_uplink_link_perf(&f, &l, t), EP_OK);
  ck_assert_ptr_nonnull(p = ep_target_figure(t, "signal", NULL));
  ck_assert(p->measured && p->value == -58);
  ck_assert_str_eq(p->warn, "-67:");
  ck_assert_ptr_null(ep_target_figure(t, "rsrp", NULL));
  ck_assert_ptr_null(ep_target_figure(t, "link_speed", NULL));
  ck_assert_int_eq(ep_uplink_link_data(&f, t), EP_OK);
  ep_check_result_cleanup(&out);
}
END_TEST

START_TEST(dbm_thresholds)
{
  struct ep_range r;
  struct ep_err   err = EP_ERR_INIT;

  ck_assert_int_eq(ep_uplink_dbm_range("-67", "w", &r, &err), EP_OK);
  ck_assert_int_eq(ep_state_from_ranges(-68, &r, NULL), EP_STATE_WARNING);
  ck_assert_int_eq(ep_state_from_ranges(-67, &r, NULL), EP_STATE_OK);
  ck_assert_int_eq(ep_uplink_dbm_range("67", "profile uplink.signal_warning",
                                       &r, &err), EP_EINVAL);
  ck_assert_str_eq(err.msg, "profile uplink.signal_warning: '67' is not a "
                            "signal level in dBm (a number from -200 to 0, "
                            "such as \"-67\")");
  ck_assert_int_eq(ep_uplink_dbm_range("-67dB", "w", &r, &err), EP_EINVAL);
}
END_TEST

static Suite *
uplink_link_suite(void)
{
  Suite *s = suite_create("uplink_link");
  TCase *tc = tcase_create("core");

  tcase_add_test(tc, ethernet_speed_and_duplex);
  tcase_add_test(tc, wifi_security_and_signal);
  tcase_add_test(tc, wifi_not_associated_or_gone);
  tcase_add_test(tc, cellular_not_supported_unless_allowed);
  tcase_add_test(tc, cellular_down_is_critical_either_way);
  tcase_add_test(tc, routes_against_the_profile);
  tcase_add_test(tc, figures_of_the_kind_only);
  tcase_add_test(tc, dbm_thresholds);
  suite_add_tcase(s, tc);
  return s;
}

EP_UNIT_MAIN(uplink_link_suite)
