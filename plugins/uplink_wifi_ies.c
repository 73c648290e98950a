#include "config.h"

#include <stdio.h>
#include <string.h>

#include "uplink_wifi_decode.h"

/* ---- Information elements (IEEE 802.11-2020 9.4.2). ---- */

#define IE_SSID   0
#define IE_RSN    48
#define IE_VENDOR 221

/* Suite selectors: an OUI and a type, read as one big-endian word. */
#define SUITE(oui, type) ((uint32_t)(oui) << 8 | (uint32_t)(type))
#define OUI_IEEE         0x000fac
#define OUI_MS           0x0050f2

/* Cipher types (9.4.2.24.2, Table 9-149), of OUI_IEEE and OUI_MS alike. */
#define CIPHER_TKIP    2
#define CIPHER_CCMP    4
#define CIPHER_GCMP    8
#define CIPHER_GCMP256 9
#define CIPHER_CCMP256 10
#define CIPHERS_BITS   11
/* RSN capabilities (9.4.2.24.4): management frame protection. */
#define RSN_CAP_MFPR 0x0040
#define RSN_CAP_MFPC 0x0080

/* What one RSN or WPA element says, as sets of bits. */
struct rsn {
  bool     present, malformed;
  uint32_t pairwise; /* bit n: cipher type n of the element's OUI */
  uint32_t group;
  uint32_t akm; /* bit n: AKM suite type n (OUI_IEEE), n < 32 */
  uint16_t caps;
};

/* A cursor over one element's body. */
struct rd {
  const unsigned char *p;
  size_t               left;
};

static bool rd_u16le(struct rd *r, uint16_t *v)
{
  if (r->left < 2)
    return false;
  *v = (uint16_t)(r->p[0] | r->p[1] << 8);
  r->p += 2;
  r->left -= 2;
  return true;
}

static bool rd_suite(struct rd *r, uint32_t *v)
{
  if (r->left < 4)
    return false;
  *v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
       (uint32_t)r->p[2] << 8 | r->p[3];
  r->p += 4;
  r->left -= 4;
  return true;
}

/* The bit of a suite of OUI oui in a set; 0 for other OUIs and for types
 * past 31 (which no classification below needs). */
static uint32_t suite_bit(uint32_t suite, uint32_t oui)
{
  uint32_t type = suite & 0xff;

  return (suite >> 8) == oui && type < 32 ? 1u << type : 0;
}

/* A count and that many suites into *set.  False when the count says
 * more suites than the element holds: a count is never trusted. */
static bool rd_suites(struct rd *r, uint32_t oui, uint32_t *set)
{
  uint16_t n, i;
  uint32_t s;

  if (!rd_u16le(r, &n))
    return false;
  if ((size_t)n * 4 > r->left)
    return false;
  *set = 0;
  for (i = 0; i < n; i++)
    if (rd_suite(r, &s))
      *set |= suite_bit(s, oui);
  return true;
}

/* The body of an RSN element (9.4.2.24) or of the WPA vendor element
 * after its OUI and type (the same layout with OUI_MS, no capabilities
 * needed).  A field that is absent because the element ends takes its
 * default (CCMP, 802.1X); a field cut short marks the element malformed. */
static void parse_rsn(const unsigned char *body, size_t len, uint32_t oui,
                      struct rsn *out)
{
  struct rd r = {body, len};
  uint16_t  version;
  uint32_t  group;

  memset(out, 0, sizeof *out);
  out->present = true;
  out->group = out->pairwise = 1u << CIPHER_CCMP;
  out->akm = 1u << 1; /* 802.1X */
  if (!rd_u16le(&r, &version) || version != 1) {
    out->malformed = true;
    return;
  }
  if (r.left == 0)
    return;
  if (!rd_suite(&r, &group)) {
    out->malformed = true;
    return;
  }
  out->group = suite_bit(group, oui);
  if (r.left == 0)
    return;
  if (!rd_suites(&r, oui, &out->pairwise)) {
    out->malformed = true;
    return;
  }
  if (r.left == 0)
    return;
  if (!rd_suites(&r, oui, &out->akm)) {
    out->malformed = true;
    return;
  }
  if (r.left >= 2)
    (void)rd_u16le(&r, &out->caps);
}

/* The WPA element is vendor-specific: Microsoft's OUI, type 1. */
static bool is_wpa_ie(const unsigned char *body, size_t len)
{
  return len >= 4 && body[0] == 0x00 && body[1] == 0x50 && body[2] == 0xf2 &&
         body[3] == 1;
}

/* The RSN and WPA elements of ies.  An element whose length runs past
 * the end stops the walk. */
static void find_rsn(const unsigned char *ies, size_t len, struct rsn *rsn,
                     struct rsn *wpa)
{
  size_t at = 0;

  memset(rsn, 0, sizeof *rsn);
  memset(wpa, 0, sizeof *wpa);
  while (len - at >= 2) {
    unsigned             id = ies[at], n = ies[at + 1];
    const unsigned char *body = ies + at + 2;

    if (n > len - at - 2)
      break;
    if (id == IE_RSN && !rsn->present)
      parse_rsn(body, n, OUI_IEEE, rsn);
    else if (id == IE_VENDOR && !wpa->present && is_wpa_ie(body, n))
      parse_rsn(body + 4, n - 4, OUI_MS, wpa);
    at += 2 + n;
  }
}

const unsigned char *ep_wifi_ie_ssid(const unsigned char *ies, size_t len,
                                     size_t *ssid_len)
{
  size_t at = 0;

  while (ies && len - at >= 2) {
    size_t n = ies[at + 1];

    if (n > len - at - 2)
      return NULL;
    if (ies[at] == IE_SSID) {
      *ssid_len = n;
      return ies + at + 2;
    }
    at += 2 + n;
  }
  return NULL;
}

/* The strongest pairwise cipher other than TKIP, in words. */
static const char *cipher_words(uint32_t set)
{
  if (set & 1u << CIPHER_GCMP256)
    return "GCMP-256";
  if (set & 1u << CIPHER_CCMP256)
    return "CCMP-256";
  if (set & 1u << CIPHER_GCMP)
    return "GCMP";
  if (set & 1u << CIPHER_CCMP)
    return "CCMP";
  return "unknown cipher";
}

#define AKM(n) (1u << (n))
/* AKM suite types (9.4.2.24.3, Table 9-151). */
#define AKMS_EAP    (AKM(1) | AKM(3) | AKM(5))
#define AKMS_PSK    (AKM(2) | AKM(4) | AKM(6))
#define AKMS_SAE    (AKM(8) | AKM(9) | AKM(24) | AKM(25))
#define AKMS_SUITEB (AKM(12) | AKM(13))
#define AKMS_OWE    AKM(18)

static void set_words(struct ep_wifi_info *out, enum ep_wifi_security sec,
                      const char *words, const char *cipher)
{
  out->security = sec;
  if (cipher)
    snprintf(out->security_words, sizeof out->security_words, "%s (%s)", words,
             cipher);
  else
    snprintf(out->security_words, sizeof out->security_words, "%s", words);
}

/* An RSN element's key management, strongest first: a transition network
 * lets a client choose PSK, so it is named as such. */
static void classify_rsn(const struct rsn *r, struct ep_wifi_info *out)
{
  const char *cipher = cipher_words(r->pairwise);
  bool        mfp_required = (r->caps & RSN_CAP_MFPR) != 0;

  if (r->akm & AKMS_SUITEB)
    set_words(out, EP_WIFI_SECURITY_WPA3, "WPA3-Enterprise 192-bit", NULL);
  else if ((r->akm & AKMS_SAE) && (r->akm & AKMS_PSK))
    set_words(out, EP_WIFI_SECURITY_WPA3,
              "WPA3-Personal transition (SAE and PSK)", NULL);
  else if (r->akm & AKMS_SAE)
    set_words(out, EP_WIFI_SECURITY_WPA3, "WPA3-Personal (SAE)", NULL);
  else if (r->akm & AKMS_OWE)
    set_words(out, EP_WIFI_SECURITY_OWE, "Enhanced Open (OWE)", NULL);
  else if ((r->akm & AKMS_EAP) == AKM(5) && mfp_required)
    set_words(out, EP_WIFI_SECURITY_WPA3, "WPA3-Enterprise", cipher);
  else if (r->akm & AKMS_EAP)
    set_words(out, EP_WIFI_SECURITY_WPA2, "WPA2-Enterprise", cipher);
  else if (r->akm & AKMS_PSK)
    set_words(out, EP_WIFI_SECURITY_WPA2, "WPA2-Personal", cipher);
  else
    set_words(out, EP_WIFI_SECURITY_WPA2, "WPA2 with unknown key management",
              cipher);
}

static bool tkip_only(uint32_t pairwise)
{
  return pairwise == 1u << CIPHER_TKIP;
}

void ep_wifi_security_of(const unsigned char *ies, size_t len, bool privacy,
                         struct ep_wifi_info *out)
{
  struct rsn rsn, wpa;

  find_rsn(ies, ies ? len : 0, &rsn, &wpa);
  /* A broken RSN element says the network is protected somehow: calling
   * it WEP or open would be a guess. */
  if (rsn.present && rsn.malformed)
    set_words(out, EP_WIFI_SECURITY_UNKNOWN, "unknown (malformed RSN element)",
              NULL);
  else if (rsn.present && tkip_only(rsn.pairwise))
    set_words(out, EP_WIFI_SECURITY_TKIP_ONLY, "WPA2 with TKIP only", NULL);
  else if (rsn.present)
    classify_rsn(&rsn, out);
  else if (wpa.present && wpa.malformed)
    set_words(out, EP_WIFI_SECURITY_UNKNOWN, "unknown (malformed WPA element)",
              NULL);
  else if (wpa.present && tkip_only(wpa.pairwise))
    set_words(out, EP_WIFI_SECURITY_TKIP_ONLY, "WPA with TKIP only", NULL);
  else if (wpa.present)
    set_words(out, EP_WIFI_SECURITY_WPA, "WPA", cipher_words(wpa.pairwise));
  else if (privacy)
    set_words(out, EP_WIFI_SECURITY_WEP, "WEP", NULL);
  else
    set_words(out, EP_WIFI_SECURITY_OPEN, "open", NULL);
}

/* ---- Text. ---- */

void ep_wifi_format_mac(const unsigned char *mac, char out[18])
{
  snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
           mac[3], mac[4], mac[5]);
}

/* A backslash is escaped too, so that "\x41" in the text can only mean
 * one byte. */
void ep_wifi_set_ssid(struct ep_wifi_info *info, const unsigned char *ssid,
                      size_t len)
{
  size_t i, at = 0;

  if (len > EP_WIFI_SSID_MAX)
    len = EP_WIFI_SSID_MAX;
  memcpy(info->ssid, ssid, len);
  info->ssid_len = len;
  for (i = 0; i < len; i++) {
    unsigned char c = ssid[i];

    if (c >= 0x20 && c < 0x7f && c != '\\')
      info->ssid_text[at++] = (char)c;
    else
      at += (size_t)snprintf(info->ssid_text + at, sizeof info->ssid_text - at,
                             "\\x%02x", c);
  }
  info->ssid_text[at] = '\0';
}
