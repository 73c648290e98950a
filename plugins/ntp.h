/* The ntp probe: SNTP to every configured server, every address of a pool
 * name (up to a limit), politely, on the run's loop; offset and delay of
 * the best sample per address, and each server's state from the best of
 * its addresses. */
#ifndef EP_NTP_H
#define EP_NTP_H

#include "ep_config.h"
#include "ep_iface.h"
#include "ep_offsets.h"
#include "ep_probe.h"
#include "ep_profile.h"
#include "ep_range.h"
#include "ntp_clock.h"

#define EP_NTP_ADDRS_PER_NAME 4
#define EP_NTP_SPACING 2.0 /* s between packets to one address */

struct ep_ntp_options {
  int                    samples;   /* per address, at least 1 */
  int                    max_addrs; /* per name */
  const struct ep_iface *iface;     /* NULL: any */
  struct ep_range        warn, crit; /* on |offset| */
  /* Where each address's last offset is kept between runs (NULL: drift
   * is not told), and the drift's thresholds in ppm (on its absolute
   * value). */
  const char            *state_dir;
  struct ep_offset_store *offsets; /* or kept in memory by the caller */
  struct ep_range        drift_warn, drift_crit;
  /* Whether this host's clock is judged too (ntp_clock.h), and how it
   * is read (NULL: adjtimex). */
  bool                   ignore_local_clock;
  ep_timex_fn            read_clock;
};

/* A probe asking servers ("HOST[:PORT]", port 123 by default). */
struct ep_probe *ep_ntp_probe_new(const struct ep_strlist *servers,
                                  const struct ep_ntp_options *opts,
                                  struct ep_err *err);

/* The ntp check: the profile's servers (or -H), thresholds on the
 * absolute offset. */
extern const struct ep_probe_kind ep_ntp_kind;

#endif
