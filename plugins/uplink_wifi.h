/* The WiFi link the cloud traffic leaves by, as nl80211 tells it
 * (libnl-genl-3, read-only, no privileges): the network's name, the
 * access point, its frequency, the signal and bitrates of our station,
 * and the network's security from the RSN / WPA elements of the access
 * point's beacon.  The exchange runs in the run's loop: four requests
 * (the family's id, the interface, our station, the scan results), each
 * answered by the kernel at once; a reply that never comes is cut by the
 * run's deadline. */
#ifndef UPLINK_WIFI_H
#define UPLINK_WIFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ep_err.h"
#include "ep_pollset.h"

struct nl_sock;
struct nl_msg;
struct sockaddr_nl;
struct ucred;

/* What protects the network, weakest first. */
enum ep_wifi_security {
  EP_WIFI_SECURITY_UNKNOWN = 0, /* no scan result for the access point */
  EP_WIFI_SECURITY_OPEN,        /* no privacy bit, no RSN or WPA */
  EP_WIFI_SECURITY_WEP,         /* privacy bit without RSN or WPA */
  EP_WIFI_SECURITY_TKIP_ONLY,   /* WPA or RSN whose only pairwise cipher
                                   is TKIP */
  EP_WIFI_SECURITY_WPA,         /* WPA (the vendor element) with CCMP */
  EP_WIFI_SECURITY_OWE,         /* Enhanced Open: encrypted, no password */
  EP_WIFI_SECURITY_WPA2,        /* RSN: PSK or 802.1X with CCMP/GCMP */
  EP_WIFI_SECURITY_WPA3         /* RSN: SAE, or Suite B / 802.1X-SHA256
                                   with management frame protection */
};

#define EP_WIFI_SSID_MAX 32
#define EP_WIFI_WORDS_MAX 64

struct ep_wifi_info {
  bool     associated; /* a station entry for our access point */
  unsigned ifindex;
  unsigned iftype; /* enum nl80211_iftype: 2 is a station (client) */
  char     mac[18]; /* ours, "" when unknown */
  /* The SSID as the kernel gave it: up to 32 bytes, any bytes; ssid_text
   * is it made printable (\xNN for the rest), for words. */
  unsigned char ssid[EP_WIFI_SSID_MAX];
  size_t        ssid_len;
  char          ssid_text[4 * EP_WIFI_SSID_MAX + 1];
  char          bssid[18]; /* "aa:bb:cc:dd:ee:ff", "" when unknown */
  unsigned      frequency_mhz; /* 0: unknown */
  bool          have_signal;
  int           signal_dbm;
  bool          have_tx_bitrate, have_rx_bitrate;
  double        tx_bitrate_bps, rx_bitrate_bps;
  enum ep_wifi_security security;
  /* "WPA2-Personal (CCMP)", "WPA3-Personal (SAE)", "open", "WEP",
   * "WPA2 with TKIP only", "unknown". */
  char security_words[EP_WIFI_WORDS_MAX];
};

/* The security of a network from its information elements (the raw IEs
 * of a scan result, as NL80211_BSS_INFORMATION_ELEMENTS carries them)
 * and its capability field's privacy bit; words into out->security and
 * out->security_words.  Malformed elements end the walk: what was read
 * before them counts.  Pure. */
void ep_wifi_security_of(const unsigned char *ies, size_t len, bool privacy,
                         struct ep_wifi_info *out);

/* How a query sends and receives netlink messages: libnl's own socket
 * calls when NULL, else these, which libnl calls in place of its send and
 * receive (nl_cb_overwrite_send / nl_cb_overwrite_recv) so that a test
 * feeds the decoder messages laid out as the kernel sends them.  recv
 * returns the bytes it allocated into *buf (libnl frees them), 0 for
 * nothing yet, or a negative libnl error, as nl_recv() does. */
struct ep_wifi_seam {
  int (*send)(struct nl_sock *sk, struct nl_msg *msg);
  int (*recv)(struct nl_sock *sk, struct sockaddr_nl *from,
              unsigned char **buf, struct ucred **creds);
  int fd; /* what the loop polls for readability, -1: the socket's */
};

struct ep_wifi_query;

/* A query about interface ifindex (named ifname, for words).  NULL with
 * err set when the socket cannot be opened or out of memory. */
struct ep_wifi_query *ep_wifi_query_new(unsigned ifindex, const char *ifname,
                                        const struct ep_wifi_seam *seam,
                                        struct ep_err *err);
void                  ep_wifi_query_free(struct ep_wifi_query *q);

/* Sends the first request; its error when that fails (the query is then
 * done). */
enum ep_status ep_wifi_query_start(struct ep_wifi_query *q,
                                   struct timespec now);
enum ep_status ep_wifi_query_pollset(const struct ep_wifi_query *q,
                                     struct ep_pollset *ps);
void ep_wifi_query_on_ready(struct ep_wifi_query *q,
                            const struct ep_pollset *ps, struct timespec now);
bool ep_wifi_query_done(const struct ep_wifi_query *q);

/* What it learnt into out.  EP_OK: out holds the interface's state
 * (associated or not; an interface that is not a client, an access point
 * or a monitor, is not associated and has its iftype).  Otherwise out is
 * as far as it got, and err says why, naming the interface: EP_ELIB
 * "this kernel has no nl80211", EP_ESYS "wlan0 is gone (No such device)"
 * (the interface vanished mid-run) or "nl80211 refused wlan0's station:
 * ..." for another error the kernel sent, EP_EPROTO "nl80211 reply did
 * not parse: wlan0: ...", EP_ETIMEOUT "nl80211 did not answer about
 * wlan0" (called before done).  A reply numbered for another request is
 * ignored. */
enum ep_status ep_wifi_query_result(const struct ep_wifi_query *q,
                                    struct ep_wifi_info *out,
                                    struct ep_err *err);

#endif
