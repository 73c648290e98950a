/* The parts of an nl80211 reply the uplink's WiFi query reads, decoded
 * without I/O: each function takes the attributes of one message (as
 * genlmsg_attrdata() gives them) and trusts none of their lengths
 * (uplink_wifi_decode.c); the information elements and text
 * (uplink_wifi_ies.c).  Internal to uplink_wifi.c. */
#ifndef UPLINK_WIFI_DECODE_H
#define UPLINK_WIFI_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ep_err.h"
#include "uplink_wifi.h"

struct nlattr;

/* One scan result, as far as choosing our access point needs it.  ies
 * points into the message decoded: valid while that message is. */
struct ep_wifi_bss {
  bool                 have_bssid;
  unsigned char        bssid[6];
  unsigned             frequency_mhz;
  bool                 privacy;    /* capability bit 4 (IEEE 802.11 9.4.1.4) */
  bool                 associated; /* NL80211_BSS_STATUS_ASSOCIATED */
  bool                 have_signal;
  int                  signal_dbm;
  const unsigned char *ies;
  size_t               ies_len;
};

/* The scan result taken for our access point, kept until the dump ends
 * because a better match may follow. */
struct ep_wifi_choice {
  bool                have, by_bssid;
  struct ep_wifi_info sec; /* security and security_words only */
  unsigned char       ssid[EP_WIFI_SSID_MAX];
  size_t              ssid_len;
  bool                have_ssid;
  unsigned            frequency_mhz;
  bool                have_signal;
  int                 signal_dbm;
};

/* Takes bss into c when it is our access point (the station's BSSID
 * station_bssid, or the associated status without a BSSID match) and
 * better than what c holds.  Reads bss->ies now: c keeps no pointer. */
void ep_wifi_choice_consider(struct ep_wifi_choice    *c,
                             const char               *station_bssid,
                             const struct ep_wifi_bss *bss);

/* What the scan told about our access point into info: its security, and
 * the SSID, frequency and signal when the interface and station did not
 * give them. */
void ep_wifi_choice_apply(const struct ep_wifi_choice *c,
                          struct ep_wifi_info         *info);

/* The family id from a CTRL_CMD_NEWFAMILY reply's attributes; 0 when the
 * reply names another family.  EP_EPROTO into err when malformed. */
enum ep_status ep_wifi_decode_family(struct nlattr *attrs, int len,
                                     uint16_t *id, struct ep_err *err);

/* An NL80211_CMD_NEW_INTERFACE reply into info: iftype, frequency, SSID,
 * our MAC.  *other is set when it describes another interface. */
enum ep_status ep_wifi_decode_interface(struct nlattr *attrs, int len,
                                        struct ep_wifi_info *info, bool *other,
                                        struct ep_err *err);

/* One NL80211_CMD_NEW_STATION entry into info: BSSID, signal, bitrates;
 * info->associated becomes true.  *other as above. */
enum ep_status ep_wifi_decode_station(struct nlattr *attrs, int len,
                                      struct ep_wifi_info *info, bool *other,
                                      struct ep_err *err);

/* One NL80211_CMD_NEW_SCAN_RESULTS entry into bss; *other as above, and
 * set too for an entry without NL80211_ATTR_BSS. */
enum ep_status ep_wifi_decode_bss(struct nlattr *attrs, int len,
                                  unsigned ifindex, struct ep_wifi_bss *bss,
                                  bool *other, struct ep_err *err);

/* The SSID element (id 0) of ies, NULL when there is none or it is
 * malformed. */
const unsigned char *ep_wifi_ie_ssid(const unsigned char *ies, size_t len,
                                     size_t *ssid_len);

/* Sets info's ssid and its printable ssid_text from len bytes. */
void ep_wifi_set_ssid(struct ep_wifi_info *info, const unsigned char *ssid,
                      size_t len);

/* "aa:bb:cc:dd:ee:ff" into out. */
void ep_wifi_format_mac(const unsigned char *mac, char out[18]);

#endif
