#include "config.h"

#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <netlink/attr.h>
#include <string.h>

#include "uplink_wifi_decode.h"

#define ETH_LEN 6
/* Capability information (IEEE 802.11-2020 9.4.1.4). */
#define CAP_PRIVACY 0x0010

/* ---- Attributes. ---- */

/* Indexes the attributes at head into tb[0..max] after checking that none
 * runs past the end and that each known one holds at least minlen[type]
 * bytes (nla_parse() only logs the first).  Types past max are ignored. */
static enum ep_status index_attrs(struct nlattr **tb, int max,
                                  struct nlattr *head, int len,
                                  const uint16_t *minlen, const char *what,
                                  struct ep_err *err)
{
  struct nlattr *nla;
  int            rem;

  memset(tb, 0, (size_t)(max + 1) * sizeof *tb);
  if (len < 0)
    return ep_err_set(err, EP_EPROTO, "%s: %d bytes of attributes", what, len);
  nla_for_each_attr(nla, head, len, rem)
  {
    int type = nla_type(nla);

    if (type > max)
      continue;
    if (nla_len(nla) < minlen[type])
      return ep_err_set(err, EP_EPROTO,
                        "%s: attribute %d of %d bytes, expected %u", what, type,
                        nla_len(nla), (unsigned)minlen[type]);
    tb[type] = nla;
  }
  if (rem > 0)
    return ep_err_set(err, EP_EPROTO,
                      "%s: an attribute runs past the end (%d bytes left)",
                      what, rem);
  return EP_OK;
}

enum ep_status ep_wifi_decode_family(struct nlattr *attrs, int len,
                                     uint16_t *id, struct ep_err *err)
{
  static const uint16_t minlen[CTRL_ATTR_FAMILY_NAME + 1] = {
    [CTRL_ATTR_FAMILY_ID] = 2,
  };
  struct nlattr *tb[CTRL_ATTR_FAMILY_NAME + 1];
  enum ep_status rc;

  *id = 0;
  rc = index_attrs(tb, CTRL_ATTR_FAMILY_NAME, attrs, len, minlen,
                   "family reply", err);
  if (rc != EP_OK)
    return rc;
  if (tb[CTRL_ATTR_FAMILY_NAME] &&
      (nla_len(tb[CTRL_ATTR_FAMILY_NAME]) != sizeof "nl80211" ||
       memcmp(nla_data(tb[CTRL_ATTR_FAMILY_NAME]), "nl80211",
              sizeof "nl80211") != 0))
    return EP_OK;
  if (!tb[CTRL_ATTR_FAMILY_ID])
    return ep_err_set(err, EP_EPROTO, "family reply without a family id");
  *id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
  if (*id == 0)
    return ep_err_set(err, EP_EPROTO, "family reply with family id 0");
  return EP_OK;
}

/* The attributes of an interface or station reply we read. */
#define ATTR_MAX NL80211_ATTR_SSID
static const uint16_t attr_minlen[ATTR_MAX + 1] = {
  [NL80211_ATTR_IFINDEX] = 4,
  [NL80211_ATTR_IFTYPE] = 4,
  [NL80211_ATTR_MAC] = ETH_LEN,
  [NL80211_ATTR_WIPHY_FREQ] = 4,
};

/* Whether tb names an interface other than ours. */
static bool other_ifindex(struct nlattr **tb, unsigned ifindex)
{
  return tb[NL80211_ATTR_IFINDEX] &&
         nla_get_u32(tb[NL80211_ATTR_IFINDEX]) != ifindex;
}

enum ep_status ep_wifi_decode_interface(struct nlattr *attrs, int len,
                                        struct ep_wifi_info *info, bool *other,
                                        struct ep_err *err)
{
  struct nlattr *tb[ATTR_MAX + 1];
  enum ep_status rc;

  rc = index_attrs(tb, ATTR_MAX, attrs, len, attr_minlen, "interface", err);
  if (rc != EP_OK)
    return rc;
  *other = other_ifindex(tb, info->ifindex);
  if (*other)
    return EP_OK;
  if (tb[NL80211_ATTR_SSID] &&
      nla_len(tb[NL80211_ATTR_SSID]) > EP_WIFI_SSID_MAX)
    return ep_err_set(err, EP_EPROTO, "interface: SSID of %d bytes",
                      nla_len(tb[NL80211_ATTR_SSID]));
  if (tb[NL80211_ATTR_IFTYPE])
    info->iftype = nla_get_u32(tb[NL80211_ATTR_IFTYPE]);
  if (tb[NL80211_ATTR_WIPHY_FREQ])
    info->frequency_mhz = nla_get_u32(tb[NL80211_ATTR_WIPHY_FREQ]);
  if (tb[NL80211_ATTR_MAC])
    ep_wifi_format_mac(nla_data(tb[NL80211_ATTR_MAC]), info->mac);
  if (tb[NL80211_ATTR_SSID])
    ep_wifi_set_ssid(info, nla_data(tb[NL80211_ATTR_SSID]),
                     (size_t)nla_len(tb[NL80211_ATTR_SSID]));
  return EP_OK;
}

/* A RATE_INFO nest in bits per second; false when it names no rate
 * (a legacy rate the kernel could not compute). */
static enum ep_status decode_rate(struct nlattr *nest, double *bps, bool *have,
                                  const char *what, struct ep_err *err)
{
  static const uint16_t minlen[NL80211_RATE_INFO_BITRATE32 + 1] = {
    [NL80211_RATE_INFO_BITRATE] = 2,
    [NL80211_RATE_INFO_BITRATE32] = 4,
  };
  struct nlattr *tb[NL80211_RATE_INFO_BITRATE32 + 1];
  enum ep_status rc;
  uint32_t       units;

  rc = index_attrs(tb, NL80211_RATE_INFO_BITRATE32, nla_data(nest),
                   nla_len(nest), minlen, what, err);
  if (rc != EP_OK)
    return rc;
  /* BITRATE32 since Linux 3.11; the u16 one saturates at 6553.5 Mbit/s. */
  if (tb[NL80211_RATE_INFO_BITRATE32])
    units = nla_get_u32(tb[NL80211_RATE_INFO_BITRATE32]);
  else if (tb[NL80211_RATE_INFO_BITRATE])
    units = nla_get_u16(tb[NL80211_RATE_INFO_BITRATE]);
  else
    return EP_OK;
  *bps = units * 100000.0; /* units of 100 kbit/s */
  *have = true;
  return EP_OK;
}

static enum ep_status decode_sta_info(struct nlattr       *nest,
                                      struct ep_wifi_info *info,
                                      struct ep_err       *err)
{
  static const uint16_t minlen[NL80211_STA_INFO_RX_BITRATE + 1] = {
    [NL80211_STA_INFO_SIGNAL] = 1,
  };
  struct nlattr *tb[NL80211_STA_INFO_RX_BITRATE + 1];
  enum ep_status rc;

  rc = index_attrs(tb, NL80211_STA_INFO_RX_BITRATE, nla_data(nest),
                   nla_len(nest), minlen, "station info", err);
  if (rc != EP_OK)
    return rc;
  if (tb[NL80211_STA_INFO_SIGNAL]) {
    info->signal_dbm = (int8_t)nla_get_u8(tb[NL80211_STA_INFO_SIGNAL]);
    info->have_signal = true;
  }
  if (tb[NL80211_STA_INFO_TX_BITRATE])
    rc = decode_rate(tb[NL80211_STA_INFO_TX_BITRATE], &info->tx_bitrate_bps,
                     &info->have_tx_bitrate, "station tx bitrate", err);
  if (rc == EP_OK && tb[NL80211_STA_INFO_RX_BITRATE])
    rc = decode_rate(tb[NL80211_STA_INFO_RX_BITRATE], &info->rx_bitrate_bps,
                     &info->have_rx_bitrate, "station rx bitrate", err);
  return rc;
}

enum ep_status ep_wifi_decode_station(struct nlattr *attrs, int len,
                                      struct ep_wifi_info *info, bool *other,
                                      struct ep_err *err)
{
  struct nlattr *tb[ATTR_MAX + 1];
  enum ep_status rc;

  rc = index_attrs(tb, ATTR_MAX, attrs, len, attr_minlen, "station", err);
  if (rc != EP_OK)
    return rc;
  *other = other_ifindex(tb, info->ifindex);
  if (*other)
    return EP_OK;
  if (!tb[NL80211_ATTR_MAC])
    return ep_err_set(err, EP_EPROTO, "station without a MAC address");
  ep_wifi_format_mac(nla_data(tb[NL80211_ATTR_MAC]), info->bssid);
  info->associated = true;
  if (tb[NL80211_ATTR_STA_INFO])
    return decode_sta_info(tb[NL80211_ATTR_STA_INFO], info, err);
  return EP_OK;
}

static enum ep_status decode_bss_nest(struct nlattr      *nest,
                                      struct ep_wifi_bss *bss,
                                      struct ep_err      *err)
{
  static const uint16_t minlen[NL80211_BSS_BEACON_IES + 1] = {
    [NL80211_BSS_BSSID] = ETH_LEN, [NL80211_BSS_FREQUENCY] = 4,
    [NL80211_BSS_CAPABILITY] = 2,  [NL80211_BSS_SIGNAL_MBM] = 4,
    [NL80211_BSS_STATUS] = 4,
  };
  struct nlattr *tb[NL80211_BSS_BEACON_IES + 1], *ies;
  enum ep_status rc;

  rc = index_attrs(tb, NL80211_BSS_BEACON_IES, nla_data(nest), nla_len(nest),
                   minlen, "scan result", err);
  if (rc != EP_OK)
    return rc;
  if ((bss->have_bssid = tb[NL80211_BSS_BSSID] != NULL))
    memcpy(bss->bssid, nla_data(tb[NL80211_BSS_BSSID]), ETH_LEN);
  if (tb[NL80211_BSS_FREQUENCY])
    bss->frequency_mhz = nla_get_u32(tb[NL80211_BSS_FREQUENCY]);
  if (tb[NL80211_BSS_CAPABILITY])
    bss->privacy = (nla_get_u16(tb[NL80211_BSS_CAPABILITY]) & CAP_PRIVACY) != 0;
  if (tb[NL80211_BSS_STATUS])
    bss->associated =
      nla_get_u32(tb[NL80211_BSS_STATUS]) == NL80211_BSS_STATUS_ASSOCIATED;
  if ((bss->have_signal = tb[NL80211_BSS_SIGNAL_MBM] != NULL))
    bss->signal_dbm = (int32_t)nla_get_u32(tb[NL80211_BSS_SIGNAL_MBM]) / 100;
  /* Probe-response elements first: a hidden network's beacon has an
   * empty SSID. */
  ies = tb[NL80211_BSS_INFORMATION_ELEMENTS]
          ? tb[NL80211_BSS_INFORMATION_ELEMENTS]
          : tb[NL80211_BSS_BEACON_IES];
  if (ies) {
    bss->ies = nla_data(ies);
    bss->ies_len = (size_t)nla_len(ies);
  }
  return EP_OK;
}

enum ep_status ep_wifi_decode_bss(struct nlattr *attrs, int len,
                                  unsigned ifindex, struct ep_wifi_bss *bss,
                                  bool *other, struct ep_err *err)
{
  struct nlattr *tb[ATTR_MAX + 1];
  enum ep_status rc;

  memset(bss, 0, sizeof *bss);
  rc = index_attrs(tb, ATTR_MAX, attrs, len, attr_minlen, "scan", err);
  if (rc != EP_OK)
    return rc;
  *other = other_ifindex(tb, ifindex) || !tb[NL80211_ATTR_BSS];
  if (*other)
    return EP_OK;
  return decode_bss_nest(tb[NL80211_ATTR_BSS], bss, err);
}

/* ---- Which scan result is our access point. ---- */

/* Whether bss is our access point, and better than the one chosen: the
 * station's BSSID decides; the associated status stands in without it. */
static bool better_bss(const struct ep_wifi_choice *c,
                       const char *station_bssid, const struct ep_wifi_bss *bss,
                       bool *by_bssid)
{
  char text[18];

  *by_bssid = false;
  if (bss->have_bssid) {
    ep_wifi_format_mac(bss->bssid, text);
    *by_bssid = strcmp(text, station_bssid) == 0;
  }
  if (c->by_bssid)
    return false;
  return *by_bssid || (!c->have && bss->associated);
}

void ep_wifi_choice_consider(struct ep_wifi_choice    *c,
                             const char               *station_bssid,
                             const struct ep_wifi_bss *bss)
{
  const unsigned char *ssid;
  bool                 by_bssid;

  if (!better_bss(c, station_bssid, bss, &by_bssid))
    return;
  memset(c, 0, sizeof *c);
  c->have = true;
  c->by_bssid = by_bssid;
  ep_wifi_security_of(bss->ies, bss->ies_len, bss->privacy, &c->sec);
  ssid = ep_wifi_ie_ssid(bss->ies, bss->ies_len, &c->ssid_len);
  if (ssid && c->ssid_len <= EP_WIFI_SSID_MAX) {
    memcpy(c->ssid, ssid, c->ssid_len);
    c->have_ssid = true;
  }
  c->frequency_mhz = bss->frequency_mhz;
  c->have_signal = bss->have_signal;
  c->signal_dbm = bss->signal_dbm;
}

void ep_wifi_choice_apply(const struct ep_wifi_choice *c,
                          struct ep_wifi_info         *info)
{
  if (!c->have)
    return;
  info->security = c->sec.security;
  memcpy(info->security_words, c->sec.security_words,
         sizeof info->security_words);
  if (info->ssid_len == 0 && c->have_ssid)
    ep_wifi_set_ssid(info, c->ssid, c->ssid_len);
  if (info->frequency_mhz == 0)
    info->frequency_mhz = c->frequency_mhz;
  if (!info->have_signal && c->have_signal) {
    info->have_signal = true;
    info->signal_dbm = c->signal_dbm;
  }
}
