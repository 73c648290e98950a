/* Unit tests for the uplink's WiFi query: the real query object driven
 * through its seam, the fake kernel answering each request with messages
 * laid out as nl80211 lays them out (built with libnl's nlmsg/nla calls,
 * nests without NLA_F_NESTED as nl80211's nla_nest_start_noflag() makes
 * them), one datagram at a time; then ep_wifi_security_of on raw
 * elements, the real socket on "lo", and the seam's answers judged from
 * the socket up (ep_uplink_link_judge, its figures and its JSON).
 *
 * EP_WIFI_CORPUS=DIR writes each seam case's replies (after the family's)
 * into DIR in fuzz_nl80211's input format: the seed corpus. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <net/if.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ep_cause.h"
#include "ep_pollset.h"
#include "ep_result.h"
#include "ep_unit.h"
#include "uplink_link_report.h"
#include "uplink_wifi.h"

#define FAMILY  28 /* nl80211's id on many kernels; fuzz_nl80211's too */
#define IFINDEX 7
#define STEPS   6
#define REPLIES 700
#define DGRAMS  1024

static const unsigned char AP[6] = {0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5};
static const unsigned char OTHER_AP[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
static const unsigned char OUR_MAC[6] = {0xdc, 0xa6, 0x32, 0x01, 0x02, 0x03};

/* ---- The fake kernel. ---- */

struct reply {
  struct nl_msg *msg;
  bool           stale; /* numbered for another request */
  bool           join;  /* in the previous reply's datagram */
};

struct request {
  uint16_t type, flags;
  uint8_t  cmd;
  bool     has_ifindex;
  uint32_t ifindex;
  char     family_name[16];
};

struct dgram {
  unsigned char *b;
  size_t         len;
};

static struct reply   script[STEPS][REPLIES];
static size_t         n_script[STEPS];
static struct request reqs[STEPS + 4];
static size_t         n_reqs;
static struct dgram   dgrams[DGRAMS];
static size_t         dg_head, dg_tail;
static int            pipefd[2] = {-1, -1};
static const char    *case_name;
/* The corpus file of the case: its datagrams after the first request. */
static unsigned char *corpus;
static size_t         corpus_len;

static void add(int step, struct nl_msg *m)
{
  ck_assert_uint_lt(n_script[step], REPLIES);
  script[step][n_script[step]++] = (struct reply){m, false, false};
}

static void add_joined(int step, struct nl_msg *m)
{
  add(step, m);
  script[step][n_script[step] - 1].join = true;
}

static void add_stale(int step, struct nl_msg *m)
{
  add(step, m);
  script[step][n_script[step] - 1].stale = true;
}

static void corpus_put(const unsigned char *b, size_t len)
{
  unsigned char *n = realloc(corpus, corpus_len + len + 2);

  ck_assert_ptr_nonnull(n);
  corpus = n;
  corpus[corpus_len++] = (unsigned char)(len >> 8);
  corpus[corpus_len++] = (unsigned char)len;
  if (len > 0)
    memcpy(corpus + corpus_len, b, len);
  corpus_len += len;
}

static void queue_dgram(const unsigned char *b, size_t len, bool join)
{
  struct dgram *d;

  if (join && dg_tail > dg_head) {
    d = &dgrams[dg_tail - 1];
    d->b = realloc(d->b, d->len + len);
    ck_assert_ptr_nonnull(d->b);
    memcpy(d->b + d->len, b, len);
    d->len += len;
    return;
  }
  ck_assert_uint_lt(dg_tail, DGRAMS);
  d = &dgrams[dg_tail++];
  d->b = malloc(len);
  ck_assert_ptr_nonnull(d->b);
  memcpy(d->b, b, len);
  d->len = len;
}

static void record_request(struct nl_msg *msg)
{
  struct nlmsghdr   *nh = nlmsg_hdr(msg);
  struct genlmsghdr *gh = nlmsg_data(nh);
  struct request    *r = &reqs[n_reqs];
  struct nlattr     *a;
  int                len = genlmsg_attrlen(gh, 0);

  memset(r, 0, sizeof *r);
  r->type = nh->nlmsg_type;
  r->flags = nh->nlmsg_flags;
  r->cmd = gh->cmd;
  if (r->type == GENL_ID_CTRL) {
    a = nla_find(genlmsg_attrdata(gh, 0), len, CTRL_ATTR_FAMILY_NAME);
    if (a)
      nla_strlcpy(r->family_name, a, sizeof r->family_name);
  } else if ((a = nla_find(genlmsg_attrdata(gh, 0), len,
                           NL80211_ATTR_IFINDEX)) != NULL) {
    r->has_ifindex = true;
    r->ifindex = nla_get_u32(a);
  }
}

/* Answers a request as the kernel would: the script's replies for it,
 * numbered with its sequence number and our port. */
static int fake_send(struct nl_sock *sk, struct nl_msg *msg)
{
  struct nlmsghdr *req = nlmsg_hdr(msg);
  size_t           step = n_reqs, i;

  (void)sk;
  ck_assert_uint_lt(n_reqs, sizeof reqs / sizeof reqs[0]);
  record_request(msg);
  n_reqs++;
  for (i = 0; step < STEPS && i < n_script[step]; i++) {
    const struct reply *r = &script[step][i];
    struct nlmsghdr    *nh = nlmsg_hdr(r->msg);

    nh->nlmsg_seq = r->stale ? req->nlmsg_seq - 1 : req->nlmsg_seq;
    nh->nlmsg_pid = req->nlmsg_pid;
    queue_dgram((const unsigned char *)nh, NLMSG_ALIGN(nh->nlmsg_len), r->join);
  }
  if (step >= 1) {
    for (i = dg_head; i < dg_tail; i++)
      corpus_put(dgrams[i].b, dgrams[i].len);
    corpus_put(NULL, 0); /* the end of this request's replies */
  }
  return (int)req->nlmsg_len;
}

/* One datagram per call, as recvmsg() gives them; 0 when none is left. */
static int fake_recv(struct nl_sock *sk, struct sockaddr_nl *from,
                     unsigned char **buf, struct ucred **creds)
{
  struct dgram *d;
  int           len;

  (void)sk;
  (void)creds;
  if (dg_head == dg_tail)
    return 0;
  d = &dgrams[dg_head++];
  memset(from, 0, sizeof *from);
  from->nl_family = AF_NETLINK;
  *buf = d->b; /* libnl frees it */
  len = (int)d->len;
  d->b = NULL;
  return len;
}

static void setup(void)
{
  memset(script, 0, sizeof script);
  memset(n_script, 0, sizeof n_script);
  n_reqs = 0;
  dg_head = dg_tail = 0;
  ck_assert_int_eq(pipe2(pipefd, O_CLOEXEC), 0);
  /* Kept readable: the loop polls it, fake_recv says when nothing is
   * left. */
  ck_assert_int_eq(write(pipefd[1], "x", 1), 1);
  case_name = NULL;
  corpus = NULL;
  corpus_len = 0;
}

static void write_corpus(void)
{
  const char *dir = getenv("EP_WIFI_CORPUS");
  char        path[4096];
  FILE       *f;

  /* Past 64 KiB a seed only slows the replay down. */
  if (!dir || !case_name || corpus_len > 65536)
    return;
  snprintf(path, sizeof path, "%s/%s", dir, case_name);
  f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(corpus, 1, corpus_len, f), corpus_len);
  fclose(f);
}

static void teardown(void)
{
  size_t s, i;

  write_corpus();
  for (s = 0; s < STEPS; s++)
    for (i = 0; i < n_script[s]; i++)
      nlmsg_free(script[s][i].msg);
  for (i = dg_head; i < dg_tail; i++)
    free(dgrams[i].b);
  free(corpus);
  close(pipefd[0]);
  close(pipefd[1]);
}

/* ---- Messages as the kernel lays them out. ---- */

/* libnl's nla_nest_start() flags the nest NLA_F_NESTED; nl80211 and the
 * controller nest with nla_nest_start_noflag(), so their replies do not. */
static void nest_end(struct nl_msg *m, struct nlattr *nest)
{
  nla_nest_end(m, nest);
  nest->nla_type &= (uint16_t)~NLA_F_NESTED;
}

static struct nl_msg *genl_msg(int type, int flags, uint8_t cmd)
{
  struct nl_msg *m = nlmsg_alloc();

  ck_assert_ptr_nonnull(m);
  ck_assert_ptr_nonnull(genlmsg_put(m, 0, 0, type, 0, flags, cmd, 1));
  return m;
}

/* ctrl_fill_info(): id, name, version, header size, max attribute, then
 * the operations and multicast groups, which we skip. */
static struct nl_msg *family_reply(void)
{
  struct nl_msg *m = genl_msg(GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
  struct nlattr *ops, *op;

  nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "nl80211");
  nla_put_u16(m, CTRL_ATTR_FAMILY_ID, FAMILY);
  nla_put_u32(m, CTRL_ATTR_VERSION, 1);
  nla_put_u32(m, CTRL_ATTR_HDRSIZE, 0);
  nla_put_u32(m, CTRL_ATTR_MAXATTR, 318);
  ops = nla_nest_start(m, CTRL_ATTR_OPS);
  op = nla_nest_start(m, 1);
  nla_put_u32(m, CTRL_ATTR_OP_ID, NL80211_CMD_GET_WIPHY);
  nla_put_u32(m, CTRL_ATTR_OP_FLAGS, 0x0e);
  nest_end(m, op);
  nest_end(m, ops);
  return m;
}

static struct nl_msg *error_msg(int error)
{
  struct nl_msg  *m = nlmsg_alloc_simple(NLMSG_ERROR, 0);
  struct nlmsgerr e;

  ck_assert_ptr_nonnull(m);
  memset(&e, 0, sizeof e);
  e.error = error;
  e.msg.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + 8;
  ck_assert_int_eq(nlmsg_append(m, &e, sizeof e, NLMSG_ALIGNTO), 0);
  return m;
}

static struct nl_msg *ack_msg(void)
{
  return error_msg(0);
}

static struct nl_msg *done_msg(int32_t error)
{
  struct nl_msg *m = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);

  ck_assert_ptr_nonnull(m);
  ck_assert_int_eq(nlmsg_append(m, &error, sizeof error, NLMSG_ALIGNTO), 0);
  return m;
}

/* nl80211_send_iface(). */
static struct nl_msg *interface_reply(const char *ssid, size_t ssid_len)
{
  struct nl_msg *m = genl_msg(FAMILY, 0, NL80211_CMD_NEW_INTERFACE);

  nla_put_u32(m, NL80211_ATTR_IFINDEX, IFINDEX);
  nla_put_string(m, NL80211_ATTR_IFNAME, "wlan0");
  nla_put_u32(m, NL80211_ATTR_IFTYPE, NL80211_IFTYPE_STATION);
  nla_put_u32(m, NL80211_ATTR_WIPHY, 0);
  nla_put_u64(m, NL80211_ATTR_WDEV, 1);
  nla_put(m, NL80211_ATTR_MAC, 6, OUR_MAC);
  nla_put_u32(m, NL80211_ATTR_GENERATION, 5);
  nla_put_u8(m, NL80211_ATTR_4ADDR, 0);
  nla_put_u32(m, NL80211_ATTR_WIPHY_FREQ, 5180);
  nla_put_u32(m, NL80211_ATTR_CHANNEL_WIDTH, NL80211_CHAN_WIDTH_80);
  nla_put_u32(m, NL80211_ATTR_CENTER_FREQ1, 5210);
  nla_put_u32(m, NL80211_ATTR_WIPHY_TX_POWER_LEVEL, 2000);
  if (ssid)
    nla_put(m, NL80211_ATTR_SSID, (int)ssid_len, ssid);
  return m;
}

static void put_rate(struct nl_msg *m, int attr, uint32_t units)
{
  struct nlattr *rate = nla_nest_start(m, attr);

  nla_put_u32(m, NL80211_RATE_INFO_BITRATE32, units);
  nla_put_u16(m, NL80211_RATE_INFO_BITRATE, (uint16_t)units);
  nla_put_u8(m, NL80211_RATE_INFO_VHT_MCS, 9);
  nla_put_u8(m, NL80211_RATE_INFO_VHT_NSS, 1);
  nla_put_flag(m, NL80211_RATE_INFO_80_MHZ_WIDTH);
  nla_put_flag(m, NL80211_RATE_INFO_SHORT_GI);
  nest_end(m, rate);
}

/* nl80211_send_station(): signal -58 dBm, 433.3 Mbit/s out, 390 in. */
static struct nl_msg *station_entry(const unsigned char *bssid)
{
  struct nl_msg *m = genl_msg(FAMILY, NLM_F_MULTI, NL80211_CMD_NEW_STATION);
  struct nlattr *nest;

  nla_put_u32(m, NL80211_ATTR_IFINDEX, IFINDEX);
  nla_put(m, NL80211_ATTR_MAC, 6, bssid);
  nla_put_u32(m, NL80211_ATTR_GENERATION, 5);
  nest = nla_nest_start(m, NL80211_ATTR_STA_INFO);
  nla_put_u32(m, NL80211_STA_INFO_CONNECTED_TIME, 3600);
  nla_put_u32(m, NL80211_STA_INFO_INACTIVE_TIME, 40);
  nla_put_u32(m, NL80211_STA_INFO_RX_BYTES, 123456);
  nla_put_u64(m, NL80211_STA_INFO_RX_BYTES64, 123456);
  nla_put_u32(m, NL80211_STA_INFO_TX_BYTES, 65432);
  nla_put_u8(m, NL80211_STA_INFO_SIGNAL, (uint8_t)-58);
  nla_put_u8(m, NL80211_STA_INFO_SIGNAL_AVG, (uint8_t)-57);
  put_rate(m, NL80211_STA_INFO_TX_BITRATE, 4333);
  put_rate(m, NL80211_STA_INFO_RX_BITRATE, 3900);
  nla_put_u32(m, NL80211_STA_INFO_RX_PACKETS, 900);
  nla_put_u32(m, NL80211_STA_INFO_TX_PACKETS, 800);
  nest_end(m, nest);
  return m;
}

struct bss {
  const unsigned char *bssid;
  unsigned             freq;
  uint16_t             capability;
  const unsigned char *ies;
  size_t               ies_len;
  bool                 associated;
  int32_t              signal_mbm;
};

/* nl80211_send_bss(). */
static struct nl_msg *bss_entry(const struct bss *b)
{
  struct nl_msg *m =
    genl_msg(FAMILY, NLM_F_MULTI, NL80211_CMD_NEW_SCAN_RESULTS);
  struct nlattr *bss;

  nla_put_u32(m, NL80211_ATTR_GENERATION, 9);
  nla_put_u32(m, NL80211_ATTR_IFINDEX, IFINDEX);
  nla_put_u64(m, NL80211_ATTR_WDEV, 1);
  bss = nla_nest_start(m, NL80211_ATTR_BSS);
  nla_put(m, NL80211_BSS_BSSID, 6, b->bssid);
  nla_put_u64(m, NL80211_BSS_TSF, 123456789);
  nla_put(m, NL80211_BSS_INFORMATION_ELEMENTS, (int)b->ies_len, b->ies);
  nla_put(m, NL80211_BSS_BEACON_IES, (int)b->ies_len, b->ies);
  nla_put_u16(m, NL80211_BSS_BEACON_INTERVAL, 100);
  nla_put_u16(m, NL80211_BSS_CAPABILITY, b->capability);
  nla_put_u32(m, NL80211_BSS_FREQUENCY, b->freq);
  nla_put_u32(m, NL80211_BSS_SEEN_MS_AGO, 120);
  nla_put_u64(m, NL80211_BSS_LAST_SEEN_BOOTTIME, 99000000000ull);
  nla_put_u32(m, NL80211_BSS_SIGNAL_MBM, (uint32_t)b->signal_mbm);
  if (b->associated)
    nla_put_u32(m, NL80211_BSS_STATUS, NL80211_BSS_STATUS_ASSOCIATED);
  nest_end(m, bss);
  return m;
}

/* ---- Information elements. ---- */

/* SSID, supported rates, DS parameter set (channel 36), then WMM, which
 * is Microsoft's OUI too but type 2: not WPA. */
static size_t ies_base(unsigned char *b, const char *ssid)
{
  static const unsigned char rest[] = {
    0x01, 0x08, 0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c,
    0x03, 0x01, 0x24, 0xdd, 0x18, 0x00, 0x50, 0xf2, 0x02, 0x01,
    0x01, 0x80, 0x00, 0x03, 0xa4, 0x00, 0x00, 0x27, 0xa4, 0x00,
    0x00, 0x42, 0x43, 0x5e, 0x00, 0x62, 0x32, 0x2f, 0x00,
  };
  size_t n = strlen(ssid);

  b[0] = 0;
  b[1] = (unsigned char)n;
  memcpy(b + 2, ssid, n);
  memcpy(b + 2 + n, rest, sizeof rest);
  return 2 + n + sizeof rest;
}

/* An RSN element: group and one pairwise cipher of 00-0F-AC, akms AKM
 * types, capabilities. */
static size_t ie_rsn(unsigned char *b, unsigned char group,
                     unsigned char pairwise, const unsigned char *akms,
                     size_t n_akm, uint16_t caps)
{
  size_t at = 2, i;

  b[at++] = 1;
  b[at++] = 0;
  memcpy(b + at, "\x00\x0f\xac", 3);
  b[at + 3] = group;
  at += 4;
  b[at++] = 1;
  b[at++] = 0;
  memcpy(b + at, "\x00\x0f\xac", 3);
  b[at + 3] = pairwise;
  at += 4;
  b[at++] = (unsigned char)n_akm;
  b[at++] = 0;
  for (i = 0; i < n_akm; i++, at += 4) {
    memcpy(b + at, "\x00\x0f\xac", 3);
    b[at + 3] = akms[i];
  }
  b[at++] = (unsigned char)caps;
  b[at++] = (unsigned char)(caps >> 8);
  b[0] = 48;
  b[1] = (unsigned char)(at - 2);
  return at;
}

/* WPA's vendor element: one pairwise cipher of 00-50-F2, PSK. */
static size_t ie_wpa(unsigned char *b, unsigned char cipher)
{
  static const unsigned char wpa[] = {
    0xdd, 0x16, 0x00, 0x50, 0xf2, 0x01, 0x01, 0x00, 0x00, 0x50, 0xf2, 0x02,
    0x01, 0x00, 0x00, 0x50, 0xf2, 0x04, 0x01, 0x00, 0x00, 0x50, 0xf2, 0x02,
  };

  memcpy(b, wpa, sizeof wpa);
  b[17] = cipher;
  return sizeof wpa;
}

#define CIPHER_TKIP 2
#define CIPHER_CCMP 4
#define CAP_ESS     0x0001
#define CAP_PRIVACY 0x0010
#define MFPC        0x0080
#define MFPR        0x0040

static const unsigned char AKM_PSK[] = {2};
static const unsigned char AKM_SAE[] = {8};
static const unsigned char AKM_PSK_SAE[] = {2, 8};
static const unsigned char AKM_OWE[] = {18};

/* The elements of the tests' access point. */
static unsigned char ap_ies[512];
static size_t        ap_ies_len;

static void ies_rsn(const unsigned char *akms, size_t n, unsigned char pairwise,
                    uint16_t caps)
{
  ap_ies_len = ies_base(ap_ies, "factory-net");
  ap_ies_len += ie_rsn(ap_ies + ap_ies_len, pairwise, pairwise, akms, n, caps);
}

/* ---- Scripts and the loop. ---- */

static const unsigned char other_ies[] = {0x00, 0x04, 'g', 'u', 'e', 's'};

/* The family, the interface (ssid as given), our station, and a scan of
 * two access points in one datagram, ours second, as privacy says. */
static void script_associated(const char *ssid, uint16_t capability)
{
  struct bss other = {OTHER_AP,         2412,  CAP_ESS, other_ies,
                      sizeof other_ies, false, -7100};
  struct bss ours = {AP, 5180, capability, ap_ies, ap_ies_len, true, -5800};

  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply(ssid, ssid ? strlen(ssid) : 0));
  add(1, ack_msg());
  add(2, station_entry(AP));
  add(2, done_msg(0));
  add(3, bss_entry(&other));
  add_joined(3, bss_entry(&ours));
  add(3, done_msg(0));
}

static struct ep_wifi_info info;
static struct ep_err       err;

/* Runs a query through the seam in a poll loop as the run's loop does,
 * until it is done or the fake kernel has nothing left to say. */
static enum ep_status run_seam(void)
{
  struct ep_wifi_seam   seam = {fake_send, fake_recv, pipefd[0]};
  struct ep_wifi_query *q;
  struct ep_pollset     ps;
  struct timespec       now = {0, 0};
  enum ep_status        rc;
  int                   i;

  ep_err_clear(&err);
  memset(&info, 0xa5, sizeof info);
  q = ep_wifi_query_new(IFINDEX, "wlan0", &seam, &err);
  ck_assert_ptr_nonnull(q);
  ep_pollset_init(&ps);
  (void)ep_wifi_query_start(q, now);
  for (i = 0; i < 200 && !ep_wifi_query_done(q); i++) {
    ep_pollset_reset(&ps);
    ck_assert_int_eq(ep_wifi_query_pollset(q, &ps), EP_OK);
    ck_assert_int_eq(poll(ps.fds, ps.n, 1000), 1);
    ep_wifi_query_on_ready(q, &ps, now);
    if (dg_head == dg_tail)
      break;
  }
  rc = ep_wifi_query_result(q, &info, &err);
  ep_pollset_cleanup(&ps);
  ep_wifi_query_free(q);
  return rc;
}

static void assert_requests_all_four(void)
{
  size_t i;

  ck_assert_uint_eq(n_reqs, 4);
  ck_assert_uint_eq(reqs[0].type, GENL_ID_CTRL);
  ck_assert_uint_eq(reqs[0].cmd, CTRL_CMD_GETFAMILY);
  ck_assert_str_eq(reqs[0].family_name, "nl80211");
  ck_assert(reqs[0].flags & NLM_F_REQUEST);
  ck_assert_uint_eq(reqs[1].type, FAMILY);
  ck_assert_uint_eq(reqs[1].cmd, NL80211_CMD_GET_INTERFACE);
  ck_assert(!(reqs[1].flags & NLM_F_DUMP));
  ck_assert_uint_eq(reqs[2].cmd, NL80211_CMD_GET_STATION);
  ck_assert_uint_eq(reqs[2].flags & NLM_F_DUMP, NLM_F_DUMP);
  ck_assert_uint_eq(reqs[3].cmd, NL80211_CMD_GET_SCAN);
  ck_assert_uint_eq(reqs[3].flags & NLM_F_DUMP, NLM_F_DUMP);
  for (i = 1; i < 4; i++) {
    ck_assert(reqs[i].has_ifindex);
    ck_assert_uint_eq(reqs[i].ifindex, IFINDEX);
  }
}

static void assert_station(void)
{
  ck_assert(info.associated);
  ck_assert_uint_eq(info.ifindex, IFINDEX);
  ck_assert_uint_eq(info.iftype, NL80211_IFTYPE_STATION);
  ck_assert_str_eq(info.mac, "dc:a6:32:01:02:03");
  ck_assert_str_eq(info.bssid, "a0:b1:c2:d3:e4:f5");
  ck_assert_uint_eq(info.frequency_mhz, 5180);
  ck_assert(info.have_signal);
  ck_assert_int_eq(info.signal_dbm, -58);
  ck_assert(info.have_tx_bitrate);
  ck_assert(info.have_rx_bitrate);
  ck_assert_double_eq_tol(info.tx_bitrate_bps, 433.3e6, 1);
  ck_assert_double_eq_tol(info.rx_bitrate_bps, 390.0e6, 1);
}

/* ---- Associated, each kind of security. ---- */

START_TEST(wpa2_personal)
{
  case_name = "wpa2-personal";
  ies_rsn(AKM_PSK, 1, CIPHER_CCMP, 0x000c);
  script_associated("factory-net", CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_str_eq(err.msg, "");
  assert_requests_all_four();
  assert_station();
  ck_assert_uint_eq(info.ssid_len, 11);
  ck_assert_mem_eq(info.ssid, "factory-net", 11);
  ck_assert_str_eq(info.ssid_text, "factory-net");
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_WPA2);
  ck_assert_str_eq(info.security_words, "WPA2-Personal (CCMP)");
}
END_TEST

/* A hidden network's interface reply has no SSID: the scan's gives it. */
START_TEST(wpa3_sae_with_the_ssid_from_the_scan)
{
  case_name = "wpa3-sae";
  ies_rsn(AKM_SAE, 1, CIPHER_CCMP, MFPC | MFPR);
  script_associated(NULL, CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_station();
  ck_assert_str_eq(info.ssid_text, "factory-net");
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_WPA3);
  ck_assert_str_eq(info.security_words, "WPA3-Personal (SAE)");
}
END_TEST

START_TEST(wpa3_transition)
{
  case_name = "wpa3-transition";
  ies_rsn(AKM_PSK_SAE, 2, CIPHER_CCMP, MFPC);
  script_associated("factory-net", CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_WPA3);
  ck_assert_str_eq(info.security_words,
                   "WPA3-Personal transition (SAE and PSK)");
}
END_TEST

START_TEST(open_network)
{
  case_name = "open";
  ap_ies_len = ies_base(ap_ies, "factory-net");
  script_associated("factory-net", CAP_ESS);
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_station();
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_OPEN);
  ck_assert_str_eq(info.security_words, "open");
}
END_TEST

START_TEST(wep_network)
{
  case_name = "wep";
  ap_ies_len = ies_base(ap_ies, "factory-net");
  script_associated("factory-net", CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_WEP);
  ck_assert_str_eq(info.security_words, "WEP");
}
END_TEST

START_TEST(tkip_only_network)
{
  case_name = "tkip-only";
  ies_rsn(AKM_PSK, 1, CIPHER_TKIP, 0);
  script_associated("factory-net", CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_TKIP_ONLY);
  ck_assert_str_eq(info.security_words, "WPA2 with TKIP only");
}
END_TEST

START_TEST(owe_network)
{
  case_name = "owe";
  ies_rsn(AKM_OWE, 1, CIPHER_CCMP, MFPC | MFPR);
  script_associated("factory-net", CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_OWE);
  ck_assert_str_eq(info.security_words, "Enhanced Open (OWE)");
}
END_TEST

START_TEST(wpa_vendor_element)
{
  case_name = "wpa-ccmp";
  ap_ies_len = ies_base(ap_ies, "factory-net");
  ap_ies_len += ie_wpa(ap_ies + ap_ies_len, CIPHER_CCMP);
  script_associated("factory-net", CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_WPA);
  ck_assert_str_eq(info.security_words, "WPA (CCMP)");
}
END_TEST

/* ---- Not associated, gone, or no nl80211. ---- */

START_TEST(an_empty_station_dump_is_not_associated)
{
  case_name = "not-associated";
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply(NULL, 0));
  add(1, ack_msg());
  add(2, done_msg(0));
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_str_eq(err.msg, "");
  ck_assert_uint_eq(n_reqs, 3); /* no scan without an access point */
  ck_assert(!info.associated);
  ck_assert_str_eq(info.bssid, "");
  ck_assert_uint_eq(info.ssid_len, 0);
  ck_assert_str_eq(info.ssid_text, "");
  ck_assert(!info.have_signal);
  ck_assert(!info.have_tx_bitrate);
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_UNKNOWN);
  ck_assert_str_eq(info.security_words, "unknown");
  ck_assert_uint_eq(info.frequency_mhz, 5180);
}
END_TEST

START_TEST(no_nl80211_family)
{
  add(0, error_msg(-ENOENT));
  ck_assert_int_eq(run_seam(), EP_ELIB);
  ck_assert_str_eq(err.msg, "this kernel has no nl80211");
  ck_assert_uint_eq(n_reqs, 1);
  ck_assert(!info.associated);
}
END_TEST

START_TEST(the_interface_vanished)
{
  case_name = "interface-gone";
  add(0, family_reply());
  add(0, ack_msg());
  add(1, error_msg(-ENODEV));
  ck_assert_int_eq(run_seam(), EP_ESYS);
  ck_assert_str_eq(err.msg, "wlan0 is gone (No such device)");
  ck_assert_uint_eq(n_reqs, 2);
}
END_TEST

/* A dump's error comes in its NLMSG_DONE (netlink_dump()). */
START_TEST(the_interface_vanished_mid_dump)
{
  case_name = "station-gone";
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("factory-net", 11));
  add(1, ack_msg());
  add(2, station_entry(AP));
  add(2, done_msg(-ENODEV));
  ck_assert_int_eq(run_seam(), EP_ESYS);
  ck_assert_str_eq(err.msg, "wlan0 is gone (No such device)");
  ck_assert_uint_eq(n_reqs, 3);
}
END_TEST

START_TEST(the_station_dump_refused)
{
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("factory-net", 11));
  add(1, ack_msg());
  add(2, error_msg(-ENODEV));
  ck_assert_int_eq(run_seam(), EP_ESYS);
  ck_assert_str_eq(err.msg, "wlan0 is gone (No such device)");
}
END_TEST

START_TEST(another_kernel_error_is_named)
{
  add(0, family_reply());
  add(0, ack_msg());
  add(1, error_msg(-EOPNOTSUPP));
  ck_assert_int_eq(run_seam(), EP_ESYS);
  ck_assert_str_eq(
    err.msg, "nl80211 refused wlan0's interface: Operation not supported");
}
END_TEST

START_TEST(no_answer_is_a_timeout)
{
  ck_assert_int_eq(run_seam(), EP_ETIMEOUT);
  ck_assert_str_eq(err.msg, "nl80211 did not answer about wlan0");
  ck_assert_uint_eq(n_reqs, 1);
}
END_TEST

/* ---- Malformed replies. ---- */

static struct nlattr *find_attr(struct nl_msg *m, int type)
{
  struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(m));

  return nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), type);
}

START_TEST(an_attribute_past_the_end_is_refused)
{
  struct nl_msg *iface = interface_reply("factory-net", 11);

  case_name = "truncated-attribute";
  find_attr(iface, NL80211_ATTR_SSID)->nla_len += 40;
  add(0, family_reply());
  add(0, ack_msg());
  add(1, iface);
  add(1, ack_msg());
  ck_assert_int_eq(run_seam(), EP_EPROTO);
  ck_assert_str_eq(err.msg, "nl80211 reply did not parse: wlan0: interface: "
                            "an attribute runs past the end (16 bytes left)");
  ck_assert_uint_eq(n_reqs, 2);
  ck_assert(!info.associated);
}
END_TEST

static void script_to_station(struct nl_msg *station)
{
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("factory-net", 11));
  add(1, ack_msg());
  add(2, station);
  add(2, done_msg(0));
}

START_TEST(a_bogus_length_inside_station_info_is_refused)
{
  struct nl_msg *st = station_entry(AP);
  struct nlattr *info_nest = find_attr(st, NL80211_ATTR_STA_INFO);
  struct nlattr *inner = nla_data(info_nest);

  case_name = "sta-info-bogus";
  inner->nla_len = 2; /* shorter than its own header */
  script_to_station(st);
  ck_assert_int_eq(run_seam(), EP_EPROTO);
  ck_assert_str_eq(err.msg, "nl80211 reply did not parse: wlan0: station "
                            "info: an attribute runs past the end (164 bytes "
                            "left)");
  ck_assert_uint_eq(n_reqs, 3);
}
END_TEST

START_TEST(an_empty_signal_is_refused)
{
  struct nl_msg *m = genl_msg(FAMILY, NLM_F_MULTI, NL80211_CMD_NEW_STATION);
  struct nlattr *nest;

  case_name = "signal-empty";
  nla_put_u32(m, NL80211_ATTR_IFINDEX, IFINDEX);
  nla_put(m, NL80211_ATTR_MAC, 6, AP);
  nest = nla_nest_start(m, NL80211_ATTR_STA_INFO);
  nla_put(m, NL80211_STA_INFO_SIGNAL, 0, NULL);
  nest_end(m, nest);
  script_to_station(m);
  ck_assert_int_eq(run_seam(), EP_EPROTO);
  ck_assert_str_eq(err.msg, "nl80211 reply did not parse: wlan0: station "
                            "info: attribute 7 of 0 bytes, expected 1");
}
END_TEST

START_TEST(a_short_mac_is_refused)
{
  struct nl_msg *m = genl_msg(FAMILY, NLM_F_MULTI, NL80211_CMD_NEW_STATION);

  nla_put_u32(m, NL80211_ATTR_IFINDEX, IFINDEX);
  nla_put(m, NL80211_ATTR_MAC, 4, AP);
  script_to_station(m);
  ck_assert_int_eq(run_seam(), EP_EPROTO);
  ck_assert_str_eq(err.msg, "nl80211 reply did not parse: wlan0: station: "
                            "attribute 6 of 4 bytes, expected 6");
}
END_TEST

START_TEST(a_truncated_error_message_is_refused)
{
  struct nl_msg *e = nlmsg_alloc_simple(NLMSG_ERROR, 0);
  int32_t        code = -ENODEV;

  nlmsg_append(e, &code, sizeof code, NLMSG_ALIGNTO);
  add(0, e);
  ck_assert_int_eq(run_seam(), EP_EPROTO);
  ck_assert_str_eq(err.msg, "nl80211 reply did not parse: wlan0: an error "
                            "message of 20 bytes");
}
END_TEST

/* Attributes a later kernel may add, at each level, nests flagged with
 * NLA_F_NESTED as nla_nest_start() makes them since Linux 5.2. */
START_TEST(unknown_attributes_are_ignored)
{
  struct nl_msg *st = station_entry(AP);
  struct nlattr *nest;
  struct bss ours = {AP, 5180, CAP_ESS | CAP_PRIVACY, NULL, 0, false, -5800};
  struct nl_msg *b;

  case_name = "unknown-attributes";
  ies_rsn(AKM_PSK, 1, CIPHER_CCMP, 0);
  ours.ies = ap_ies;
  ours.ies_len = ap_ies_len;
  nla_put_u32(st, 400, 1);
  nest = find_attr(st, NL80211_ATTR_STA_INFO);
  nest->nla_type |= NLA_F_NESTED;
  b = bss_entry(&ours);
  nla_put_u64(b, 999, 7);
  find_attr(b, NL80211_ATTR_BSS)->nla_type |= NLA_F_NESTED;
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("factory-net", 11));
  nla_put_u32(script[1][0].msg, 300, 42);
  nla_put(script[1][0].msg, 0x3fff, 3, "abc");
  add(1, ack_msg());
  add(2, st);
  add(2, done_msg(0));
  add(3, b);
  add(3, done_msg(0));
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_requests_all_four();
  assert_station();
  ck_assert_str_eq(info.security_words, "WPA2-Personal (CCMP)");
}
END_TEST

START_TEST(a_non_printable_ssid_is_escaped)
{
  static const char ssid[] = "caf\xc3\xa9\x01\\x";

  case_name = "ssid-bytes";
  ies_rsn(AKM_PSK, 1, CIPHER_CCMP, 0);
  script_associated(ssid, CAP_ESS | CAP_PRIVACY);
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_uint_eq(info.ssid_len, 8);
  ck_assert_mem_eq(info.ssid, ssid, 8);
  ck_assert_str_eq(info.ssid_text, "caf\\xc3\\xa9\\x01\\x5cx");
}
END_TEST

START_TEST(a_thirty_three_byte_ssid_is_refused)
{
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("0123456789abcdef0123456789abcdefX", 33));
  add(1, ack_msg());
  ck_assert_int_eq(run_seam(), EP_EPROTO);
  ck_assert_str_eq(err.msg, "nl80211 reply did not parse: wlan0: interface: "
                            "SSID of 33 bytes");
}
END_TEST

/* A late answer to an earlier request, numbered for it, is skipped: its
 * station and its end of dump change nothing. */
START_TEST(a_reply_numbered_for_another_request_is_ignored)
{
  case_name = "stale-sequence";
  ies_rsn(AKM_PSK, 1, CIPHER_CCMP, 0);
  add_stale(0, family_reply());
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("factory-net", 11));
  add(1, ack_msg());
  add_stale(2, station_entry(OTHER_AP));
  add_stale(2, done_msg(0));
  add(2, station_entry(AP));
  add(2, done_msg(0));
  add(3, bss_entry(&(struct bss){AP, 5180, CAP_ESS | CAP_PRIVACY, ap_ies,
                                 ap_ies_len, false, -6000}));
  add(3, done_msg(0));
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_requests_all_four();
  assert_station();
  ck_assert_str_eq(info.security_words, "WPA2-Personal (CCMP)");
}
END_TEST

/* n scan entries, one datagram each, ours at position at. */
static void script_many(size_t n, size_t at)
{
  static unsigned char bssids[600][6];
  size_t               i;

  ck_assert_uint_le(n, 600);
  ies_rsn(AKM_SAE, 1, CIPHER_CCMP, MFPC | MFPR);
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("factory-net", 11));
  add(1, ack_msg());
  add(2, station_entry(AP));
  add(2, done_msg(0));
  for (i = 0; i < n; i++) {
    struct bss b = {bssids[i],        2412,  CAP_ESS, other_ies,
                    sizeof other_ies, false, -8000};

    memcpy(bssids[i], OTHER_AP, 6);
    bssids[i][4] = (unsigned char)(i >> 8);
    bssids[i][5] = (unsigned char)i;
    if (i == at) {
      b.bssid = AP;
      b.capability |= CAP_PRIVACY;
      b.ies = ap_ies;
      b.ies_len = ap_ies_len;
    }
    add(3, bss_entry(&b));
  }
  add(3, done_msg(0));
}

START_TEST(many_scan_entries)
{
  script_many(600, 300);
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_station();
  ck_assert_str_eq(info.security_words, "WPA3-Personal (SAE)");
}
END_TEST

START_TEST(scan_entries_past_the_cap_are_not_read)
{
  script_many(600, 550);
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_station();
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_UNKNOWN);
  ck_assert_str_eq(info.security_words, "unknown");
}
END_TEST

START_TEST(without_our_scan_entry_security_is_unknown)
{
  struct bss other = {OTHER_AP,         2412,  CAP_ESS, other_ies,
                      sizeof other_ies, false, -7100};

  case_name = "no-scan-entry";
  script_to_station(station_entry(AP));
  add(3, bss_entry(&other));
  add(3, done_msg(0));
  ck_assert_int_eq(run_seam(), EP_OK);
  assert_station();
  ck_assert_int_eq(info.security, EP_WIFI_SECURITY_UNKNOWN);
  ck_assert_str_eq(info.security_words, "unknown");
}
END_TEST

/* The associated status stands in for a BSSID the station did not give
 * as the scan does (a multi-BSSID set: another transmitter address). */
START_TEST(the_associated_status_chooses_without_a_bssid_match)
{
  struct bss ours = {OTHER_AP, 2437, CAP_ESS | CAP_PRIVACY, NULL, 0,
                     true,     -6400};

  case_name = "status-associated";
  ies_rsn(AKM_SAE, 1, CIPHER_CCMP, MFPC | MFPR);
  ours.ies = ap_ies;
  ours.ies_len = ap_ies_len;
  script_to_station(station_entry(AP));
  add(3, bss_entry(&ours));
  add(3, done_msg(0));
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_str_eq(info.security_words, "WPA3-Personal (SAE)");
}
END_TEST

/* NLM_F_DUMP_INTR: the scan changed under the dump, which is asked again. */
START_TEST(an_interrupted_dump_is_asked_again)
{
  struct nl_msg *st = station_entry(OTHER_AP);

  case_name = "dump-interrupted";
  ies_rsn(AKM_PSK, 1, CIPHER_CCMP, 0);
  nlmsg_hdr(st)->nlmsg_flags |= NLM_F_DUMP_INTR;
  script_to_station(st);
  add(3, station_entry(AP));
  add(3, done_msg(0));
  add(4, bss_entry(&(struct bss){AP, 5180, CAP_ESS | CAP_PRIVACY, ap_ies,
                                 ap_ies_len, false, -6000}));
  add(4, done_msg(0));
  ck_assert_int_eq(run_seam(), EP_OK);
  ck_assert_uint_eq(n_reqs, 5);
  ck_assert_uint_eq(reqs[3].cmd, NL80211_CMD_GET_STATION);
  ck_assert_uint_eq(reqs[4].cmd, NL80211_CMD_GET_SCAN);
  assert_station();
  ck_assert_str_eq(info.security_words, "WPA2-Personal (CCMP)");
}
END_TEST

/* ---- From the socket up: the query's answer judged. ---- */

/* The station's signal (and its average) set to dbm. */
static void set_station_signal(struct nl_msg *st, int dbm)
{
  struct nlattr *nest = find_attr(st, NL80211_ATTR_STA_INFO);
  struct nlattr *a;

  a = nla_find(nla_data(nest), nla_len(nest), NL80211_STA_INFO_SIGNAL);
  ck_assert_ptr_nonnull(a);
  *(uint8_t *)nla_data(a) = (uint8_t)dbm;
  a = nla_find(nla_data(nest), nla_len(nest), NL80211_STA_INFO_SIGNAL_AVG);
  ck_assert_ptr_nonnull(a);
  *(uint8_t *)nla_data(a) = (uint8_t)(dbm + 1);
}

/* The beacon of 'plant': an RSN element of akms (none: no RSN). */
static void ies_plant(const unsigned char *akms, size_t n, uint16_t caps)
{
  ap_ies_len = ies_base(ap_ies, "plant");
  if (n > 0)
    ap_ies_len += ie_rsn(ap_ies + ap_ies_len, CIPHER_CCMP, CIPHER_CCMP, akms,
                         n, caps);
}

/* wlan0 associated with 'plant' (ap_ies as set), our station at dbm. */
static void script_plant(uint16_t capability, int dbm)
{
  struct bss     ours = {AP,   5180, capability, ap_ies, ap_ies_len,
                         true, dbm * 100};
  struct nl_msg *st = station_entry(AP);

  set_station_signal(st, dbm);
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("plant", 5));
  add(1, ack_msg());
  add(2, st);
  add(2, done_msg(0));
  add(3, bss_entry(&ours));
  add(3, done_msg(0));
}

static struct ep_uplink_link_findings found;
static struct ep_uplink_link_verdict  judged;
static struct ep_check_result         result;
static struct ep_target_result       *target;

static void judge_setup(void)
{
  setup();
  memset(&result, 0, sizeof result);
  target = NULL;
}

static void judge_teardown(void)
{
  ep_check_result_cleanup(&result);
  teardown();
}

/* One cloud endpoint routed out of wlan0, a WiFi link up, via
 * 192.168.8.1. */
static void wlan0_findings(void)
{
  struct ep_uplink_route_seen *e = &found.endpoints[0];
  struct ep_uplink_link_seen  *s = &found.links[0];

  memset(&found, 0, sizeof found);
  found.n_endpoints = found.n_routed = 1;
  snprintf(e->endpoint, sizeof e->endpoint, "203.0.113.10");
  snprintf(e->address, sizeof e->address, "203.0.113.10");
  e->resolved = e->routed = true;
  e->route.index = IFINDEX;
  snprintf(e->route.ifname, sizeof e->route.ifname, "wlan0");
  e->route.has_gateway = true;
  snprintf(e->route.gateway, sizeof e->route.gateway, "192.168.8.1");
  snprintf(e->route.source, sizeof e->route.source, "192.168.8.23");
  found.n_links = 1;
  s->have_info = true;
  s->carries = 1;
  s->info.index = IFINDEX;
  snprintf(s->info.ifname, sizeof s->info.ifname, "wlan0");
  s->info.kind = EP_LINK_WIFI;
  s->info.admin_up = s->info.carrier = true;
  snprintf(s->info.operstate, sizeof s->info.operstate, "up");
}

/* The real query through the seam, its answer filed as uplink_link.c
 * files it (rc, the info as far as it got, the error's words), then
 * judged with the warning at -67 dBm and critical at -75, its figures
 * and its JSON into target. */
static void judge_from_the_socket(void)
{
  struct ep_uplink_link_seen  *s = &found.links[0];
  struct ep_uplink_link_limits l;

  wlan0_findings();
  s->wifi_asked = true;
  s->wifi_rc = run_seam();
  s->wifi = info;
  snprintf(s->radio_error, sizeof s->radio_error, "%s", err.msg);
  memset(&l, 0, sizeof l);
  ck_assert_int_eq(ep_uplink_dbm_range("-67", "w", &l.signal_warn, NULL),
                   EP_OK);
  ck_assert_int_eq(ep_uplink_dbm_range("-75", "c", &l.signal_crit, NULL),
                   EP_OK);
  ep_uplink_link_judge(&found, &l, &judged);
  target = ep_check_result_add(&result, "uplink", NULL);
  ck_assert_ptr_nonnull(target);
  ck_assert_int_eq(ep_uplink_link_perf(&found, &l, target), EP_OK);
  ck_assert_int_eq(ep_uplink_link_data(&found, target), EP_OK);
}

/* The signal's figure (measured at dbm or not), its thresholds, and the
 * bitrates measured or not. */
static void assert_figures(bool measured, int dbm)
{
  const struct ep_perf *p = ep_target_figure(target, "signal", NULL);

  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(p->measured, measured);
  if (measured)
    ck_assert_double_eq(p->value, dbm);
  ck_assert_str_eq(p->warn, "-67:");
  ck_assert_str_eq(p->crit, "-75:");
  ck_assert_ptr_nonnull(p = ep_target_figure(target, "tx_bitrate", NULL));
  ck_assert_int_eq(p->measured, measured);
  if (measured)
    ck_assert_double_eq_tol(p->value, 433.3e6, 1);
  ck_assert_ptr_nonnull(p = ep_target_figure(target, "rx_bitrate", NULL));
  ck_assert_int_eq(p->measured, measured);
  if (measured)
    ck_assert_double_eq_tol(p->value, 390.0e6, 1);
  ck_assert_ptr_null(ep_target_figure(target, "link_speed", NULL));
}

/* target's "link"."wifi".key as text; NULL for null. */
static const char *wifi_json(const char *key)
{
  json_object *link, *wifi, *v;

  ck_assert(json_object_object_get_ex(target->data, "link", &link));
  ck_assert(json_object_object_get_ex(link, "wifi", &wifi));
  ck_assert(json_object_object_get_ex(wifi, key, &v));
  return v ? json_object_get_string(v) : NULL;
}

START_TEST(judged_wpa2_personal_is_ok)
{
  ies_plant(AKM_PSK, 1, 0);
  script_plant(CAP_ESS | CAP_PRIVACY, -58);
  judge_from_the_socket();
  assert_requests_all_four();
  ck_assert_int_eq(judged.state, EP_STATE_OK);
  ck_assert_ptr_null(judged.cause);
  ck_assert_str_eq(judged.text, "wlan0 via 192.168.8.1, WiFi 'plant', "
                                "WPA2-Personal (CCMP), 5180 MHz, signal -58 "
                                "dBm, bitrate tx 433.3 / rx 390.0 Mb/s");
  ck_assert_str_eq(judged.why, "");
  assert_figures(true, -58);
  ck_assert_str_eq(wifi_json("associated"), "true");
  ck_assert_str_eq(wifi_json("ssid"), "plant");
  ck_assert_str_eq(wifi_json("bssid"), "a0:b1:c2:d3:e4:f5");
  ck_assert_str_eq(wifi_json("security"), "wpa2");
  ck_assert_str_eq(wifi_json("security_words"), "WPA2-Personal (CCMP)");
  ck_assert_ptr_null(wifi_json("error"));
}
END_TEST

START_TEST(judged_an_open_network_is_insecure)
{
  ies_plant(NULL, 0, 0);
  script_plant(CAP_ESS, -58);
  judge_from_the_socket();
  ck_assert_int_eq(judged.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(judged.cause, EP_CAUSE_LINK_WIFI_INSECURE);
  ck_assert_str_eq(judged.cause, "link.wifi_insecure");
  ck_assert_str_eq(judged.why, "wlan0 (WiFi 'plant'): open (the vendor "
                               "requires WPA2/WPA3)");
  ck_assert_str_eq(judged.text, "wlan0 (WiFi 'plant'): open (the vendor "
                                "requires WPA2/WPA3), wlan0 via "
                                "192.168.8.1, 5180 MHz, signal -58 dBm, "
                                "bitrate tx 433.3 / rx 390.0 Mb/s");
  assert_figures(true, -58);
  ck_assert_str_eq(wifi_json("ssid"), "plant");
  ck_assert_str_eq(wifi_json("security"), "open");
  ck_assert_str_eq(wifi_json("security_words"), "open");
}
END_TEST

START_TEST(judged_a_weak_wpa3_signal_is_critical)
{
  ies_plant(AKM_SAE, 1, MFPC | MFPR);
  script_plant(CAP_ESS | CAP_PRIVACY, -79);
  judge_from_the_socket();
  ck_assert_int_eq(info.signal_dbm, -79);
  ck_assert_int_eq(judged.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(judged.cause, EP_CAUSE_LINK_WEAK);
  ck_assert_str_eq(judged.cause, "link.weak_signal");
  ck_assert_str_eq(judged.why, "wlan0 (WiFi 'plant'): signal -79 dBm (weak)");
  ck_assert_str_eq(judged.text, "wlan0 (WiFi 'plant'): signal -79 dBm "
                                "(weak), wlan0 via 192.168.8.1, "
                                "WPA3-Personal (SAE), 5180 MHz, bitrate tx "
                                "433.3 / rx 390.0 Mb/s");
  assert_figures(true, -79);
  ck_assert_str_eq(wifi_json("ssid"), "plant");
  ck_assert_str_eq(wifi_json("security"), "wpa3");
  ck_assert_str_eq(wifi_json("security_words"), "WPA3-Personal (SAE)");
}
END_TEST

START_TEST(judged_not_associated_is_down)
{
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply(NULL, 0));
  add(1, ack_msg());
  add(2, done_msg(0));
  judge_from_the_socket();
  ck_assert_uint_eq(n_reqs, 3);
  ck_assert_int_eq(found.links[0].wifi_rc, EP_OK);
  ck_assert_int_eq(judged.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(judged.cause, EP_CAUSE_LINK_DOWN);
  ck_assert_str_eq(judged.cause, "link.down");
  ck_assert_str_eq(judged.why, "wlan0: WiFi not associated with any network");
  ck_assert_str_eq(judged.text, "wlan0: WiFi not associated with any "
                                "network, wlan0 via 192.168.8.1");
  assert_figures(false, 0);
  ck_assert_str_eq(wifi_json("associated"), "false");
  ck_assert_ptr_null(wifi_json("ssid"));
  ck_assert_ptr_null(wifi_json("security"));
  ck_assert_ptr_null(wifi_json("error"));
}
END_TEST

/* The station dump ends in ENODEV after our station's entry. */
START_TEST(judged_the_interface_gone_mid_dump_is_down)
{
  add(0, family_reply());
  add(0, ack_msg());
  add(1, interface_reply("plant", 5));
  add(1, ack_msg());
  add(2, station_entry(AP));
  add(2, done_msg(-ENODEV));
  judge_from_the_socket();
  ck_assert_uint_eq(n_reqs, 3);
  ck_assert_int_eq(found.links[0].wifi_rc, EP_ESYS);
  ck_assert_str_eq(found.links[0].radio_error,
                   "wlan0 is gone (No such device)");
  ck_assert_int_eq(judged.state, EP_STATE_CRITICAL);
  ck_assert_str_eq(judged.cause, EP_CAUSE_LINK_DOWN);
  ck_assert_str_eq(judged.why, "wlan0 is gone (No such device)");
  ck_assert_str_eq(judged.text, "wlan0 is gone (No such device), wlan0 via "
                                "192.168.8.1");
  assert_figures(false, 0);
  ck_assert_ptr_null(wifi_json("associated"));
  ck_assert_ptr_null(wifi_json("ssid"));
  ck_assert_ptr_null(wifi_json("security"));
  ck_assert_str_eq(wifi_json("error"), "wlan0 is gone (No such device)");
}
END_TEST

START_TEST(judged_no_nl80211_is_a_radio_unknown)
{
  add(0, error_msg(-ENOENT));
  judge_from_the_socket();
  ck_assert_uint_eq(n_reqs, 1);
  ck_assert_int_eq(found.links[0].wifi_rc, EP_ELIB);
  ck_assert_int_eq(judged.state, EP_STATE_WARNING);
  ck_assert_str_eq(judged.cause, EP_CAUSE_LINK_RADIO_UNKNOWN);
  ck_assert_str_eq(judged.cause, "link.radio_unknown");
  ck_assert_str_eq(judged.why, "wlan0: WiFi, its radio not read: this "
                               "kernel has no nl80211");
  ck_assert_str_eq(judged.text, "wlan0: WiFi, its radio not read: this "
                                "kernel has no nl80211, wlan0 via "
                                "192.168.8.1");
  assert_figures(false, 0);
  ck_assert_ptr_null(wifi_json("associated"));
  ck_assert_ptr_null(wifi_json("security"));
  ck_assert_str_eq(wifi_json("error"), "this kernel has no nl80211");
}
END_TEST

/* ---- ep_wifi_security_of on raw elements. ---- */

static struct ep_wifi_info sec;

static const char *words_of(const unsigned char *ies, size_t len, bool privacy)
{
  memset(&sec, 0, sizeof sec);
  ep_wifi_security_of(ies, len, privacy, &sec);
  return sec.security_words;
}

START_TEST(security_of_rsn_key_managements)
{
  static const unsigned char eap[] = {1}, eap256[] = {5}, suiteb[] = {12},
                             ft_sae[] = {9}, sae_ext[] = {24}, odd[] = {7};
  unsigned char b[64];

  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 4, eap, 1, 0), true),
                   "WPA2-Enterprise (CCMP)");
  ck_assert_int_eq(sec.security, EP_WIFI_SECURITY_WPA2);
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 4, eap256, 1, MFPC), true),
                   "WPA2-Enterprise (CCMP)");
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 4, eap256, 1, MFPC | MFPR), true),
                   "WPA3-Enterprise (CCMP)");
  ck_assert_int_eq(sec.security, EP_WIFI_SECURITY_WPA3);
  ck_assert_str_eq(words_of(b, ie_rsn(b, 9, 9, suiteb, 1, MFPC | MFPR), true),
                   "WPA3-Enterprise 192-bit");
  ck_assert_int_eq(sec.security, EP_WIFI_SECURITY_WPA3);
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 4, ft_sae, 1, MFPC), true),
                   "WPA3-Personal (SAE)");
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 4, sae_ext, 1, MFPC), true),
                   "WPA3-Personal (SAE)");
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 8, AKM_PSK, 1, 0), true),
                   "WPA2-Personal (GCMP)");
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 9, AKM_PSK, 1, 0), true),
                   "WPA2-Personal (GCMP-256)");
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 10, AKM_PSK, 1, 0), true),
                   "WPA2-Personal (CCMP-256)");
  ck_assert_str_eq(words_of(b, ie_rsn(b, 4, 4, odd, 1, 0), true),
                   "WPA2 with unknown key management (CCMP)");
}
END_TEST

START_TEST(security_of_wpa_and_mixed)
{
  unsigned char b[128];
  size_t        n;

  ck_assert_str_eq(words_of(b, ie_wpa(b, CIPHER_TKIP), true),
                   "WPA with TKIP only");
  ck_assert_int_eq(sec.security, EP_WIFI_SECURITY_TKIP_ONLY);
  /* WPA/WPA2 mixed mode: the RSN element decides. */
  n = ie_wpa(b, CIPHER_TKIP);
  n += ie_rsn(b + n, 2, 4, AKM_PSK, 1, 0);
  ck_assert_str_eq(words_of(b, n, true), "WPA2-Personal (CCMP)");
  /* WMM (00:50:F2 type 2) is not WPA. */
  n = ies_base(b, "x");
  ck_assert_str_eq(words_of(b, n, false), "open");
  ck_assert_str_eq(words_of(NULL, 0, true), "WEP");
  ck_assert_str_eq(words_of(NULL, 0, false), "open");
}
END_TEST

/* The RSN element's fields are optional from the end (9.4.2.24.1): an
 * element of only its version means CCMP and 802.1X. */
START_TEST(security_of_a_short_rsn_takes_defaults)
{
  static const unsigned char v1[] = {48, 2, 1, 0};
  static const unsigned char group[] = {48, 6, 1, 0, 0, 0x0f, 0xac, 4};

  ck_assert_str_eq(words_of(v1, sizeof v1, true), "WPA2-Enterprise (CCMP)");
  ck_assert_str_eq(words_of(group, sizeof group, true),
                   "WPA2-Enterprise (CCMP)");
}
END_TEST

START_TEST(security_of_a_truncated_rsn)
{
  /* The pairwise count says 5 suites; the element holds one. */
  static const unsigned char five[] = {
    48, 12, 1, 0, 0, 0x0f, 0xac, 4, 5, 0, 0, 0x0f, 0xac, 4,
  };
  static const unsigned char version2[] = {48, 2, 2, 0};
  static const unsigned char akm_cut[] = {
    48, 16, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 3, 0, 0, 0x0f,
  };

  ck_assert_str_eq(words_of(five, sizeof five, true),
                   "unknown (malformed RSN element)");
  ck_assert_int_eq(sec.security, EP_WIFI_SECURITY_UNKNOWN);
  ck_assert_str_eq(words_of(version2, sizeof version2, true),
                   "unknown (malformed RSN element)");
  ck_assert_str_eq(words_of(akm_cut, sizeof akm_cut, true),
                   "unknown (malformed RSN element)");
}
END_TEST

/* An element whose length runs past the end stops the walk: the RSN
 * element before it counts, one after it is never reached. */
START_TEST(security_of_an_element_past_the_end)
{
  unsigned char b[64];
  size_t        n = ie_rsn(b, 4, 4, AKM_SAE, 1, MFPC);

  b[n] = 221;
  b[n + 1] = 200;
  ck_assert_str_eq(words_of(b, n + 2, true), "WPA3-Personal (SAE)");
  b[0] = 7;
  b[1] = 250;
  ck_assert_str_eq(words_of(b, n + 2, true), "WEP");
}
END_TEST

/* Every prefix of a real beacon's elements, from an exact-size copy, so
 * that valgrind sees a read past the end. */
START_TEST(security_of_every_truncation_is_safe)
{
  size_t n, len;

  ies_rsn(AKM_PSK_SAE, 2, CIPHER_CCMP, MFPC);
  len = ap_ies_len + ie_wpa(ap_ies + ap_ies_len, CIPHER_CCMP);
  for (n = 0; n <= len; n++) {
    unsigned char *copy = malloc(n ? n : 1);

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, ap_ies, n);
    words_of(copy, n, true);
    ck_assert_uint_lt(strlen(sec.security_words), EP_WIFI_WORDS_MAX);
    free(copy);
  }
  ck_assert_str_eq(sec.security_words,
                   "WPA3-Personal transition (SAE and PSK)");
}
END_TEST

/* ---- The real socket. ---- */

/* This machine has no wireless: the family is missing (no cfg80211) or,
 * with cfg80211 loaded, nl80211 refuses lo.  Either way the query ends,
 * defined, within a few polls. */
START_TEST(the_real_socket_on_loopback_ends_defined)
{
  struct ep_wifi_query *q;
  struct ep_pollset     ps;
  struct timespec       now = {0, 0};
  enum ep_status        rc;
  int                   i;

  ep_err_clear(&err);
  q = ep_wifi_query_new(if_nametoindex("lo"), "lo", NULL, &err);
  ck_assert_ptr_nonnull(q);
  ep_pollset_init(&ps);
  ck_assert_int_eq(ep_wifi_query_start(q, now), EP_OK);
  for (i = 0; i < 20 && !ep_wifi_query_done(q); i++) {
    ep_pollset_reset(&ps);
    ck_assert_int_eq(ep_wifi_query_pollset(q, &ps), EP_OK);
    ck_assert_int_ge(poll(ps.fds, ps.n, 1000), 0);
    ep_wifi_query_on_ready(q, &ps, now);
  }
  ck_assert(ep_wifi_query_done(q));
  rc = ep_wifi_query_result(q, &info, &err);
  ck_assert(rc == EP_ELIB || rc == EP_ESYS);
  if (rc == EP_ELIB)
    ck_assert_str_eq(err.msg, "this kernel has no nl80211");
  else
    ck_assert_str_ne(err.msg, "");
  ck_assert(!info.associated);
  ep_pollset_cleanup(&ps);
  ep_wifi_query_free(q);
}
END_TEST

static Suite *uplink_wifi_suite(void)
{
  Suite *s = suite_create("uplink_wifi");
  TCase *tc = tcase_create("seam");
  TCase *ie = tcase_create("elements");
  TCase *real = tcase_create("kernel");
  TCase *up = tcase_create("judged");

  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60); /* 600 scan entries under valgrind */
  tcase_add_test(tc, wpa2_personal);
  tcase_add_test(tc, wpa3_sae_with_the_ssid_from_the_scan);
  tcase_add_test(tc, wpa3_transition);
  tcase_add_test(tc, open_network);
  tcase_add_test(tc, wep_network);
  tcase_add_test(tc, tkip_only_network);
  tcase_add_test(tc, owe_network);
  tcase_add_test(tc, wpa_vendor_element);
  tcase_add_test(tc, an_empty_station_dump_is_not_associated);
  tcase_add_test(tc, no_nl80211_family);
  tcase_add_test(tc, the_interface_vanished);
  tcase_add_test(tc, the_interface_vanished_mid_dump);
  tcase_add_test(tc, the_station_dump_refused);
  tcase_add_test(tc, another_kernel_error_is_named);
  tcase_add_test(tc, no_answer_is_a_timeout);
  tcase_add_test(tc, an_attribute_past_the_end_is_refused);
  tcase_add_test(tc, a_bogus_length_inside_station_info_is_refused);
  tcase_add_test(tc, an_empty_signal_is_refused);
  tcase_add_test(tc, a_short_mac_is_refused);
  tcase_add_test(tc, a_truncated_error_message_is_refused);
  tcase_add_test(tc, unknown_attributes_are_ignored);
  tcase_add_test(tc, a_non_printable_ssid_is_escaped);
  tcase_add_test(tc, a_thirty_three_byte_ssid_is_refused);
  tcase_add_test(tc, a_reply_numbered_for_another_request_is_ignored);
  tcase_add_test(tc, many_scan_entries);
  tcase_add_test(tc, scan_entries_past_the_cap_are_not_read);
  tcase_add_test(tc, without_our_scan_entry_security_is_unknown);
  tcase_add_test(tc, the_associated_status_chooses_without_a_bssid_match);
  tcase_add_test(tc, an_interrupted_dump_is_asked_again);
  suite_add_tcase(s, tc);
  tcase_add_test(ie, security_of_rsn_key_managements);
  tcase_add_test(ie, security_of_wpa_and_mixed);
  tcase_add_test(ie, security_of_a_short_rsn_takes_defaults);
  tcase_add_test(ie, security_of_a_truncated_rsn);
  tcase_add_test(ie, security_of_an_element_past_the_end);
  tcase_add_test(ie, security_of_every_truncation_is_safe);
  suite_add_tcase(s, ie);
  tcase_add_test(real, the_real_socket_on_loopback_ends_defined);
  suite_add_tcase(s, real);
  tcase_add_checked_fixture(up, judge_setup, judge_teardown);
  tcase_add_test(up, judged_wpa2_personal_is_ok);
  tcase_add_test(up, judged_an_open_network_is_insecure);
  tcase_add_test(up, judged_a_weak_wpa3_signal_is_critical);
  tcase_add_test(up, judged_not_associated_is_down);
  tcase_add_test(up, judged_the_interface_gone_mid_dump_is_down);
  tcase_add_test(up, judged_no_nl80211_is_a_radio_unknown);
  suite_add_tcase(s, up);
  return s;
}

EP_UNIT_MAIN(uplink_wifi_suite)
