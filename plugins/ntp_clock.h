/* Whether anything keeps this host's clock right: the kernel's own word
 * (adjtimex(2), read-only, no privilege).  The offset against the NTP
 * servers says how far off the clock is now; a clock nothing disciplines
 * drifts, and one day a certificate is "not yet valid". */
#ifndef NTP_CLOCK_H
#define NTP_CLOCK_H

#include <stdbool.h>
#include <sys/timex.h>

#include "ep_err.h"
#include "ep_result.h"

struct ep_host_clock {
  bool   known;        /* the kernel answered */
  int    os_errno;     /* when it did not */
  bool   synchronised; /* STA_UNSYNC clear, and not TIME_ERROR */
  int    status;       /* the STA_* bits */
  double max_error_s, est_error_s;
  double freq_ppm;     /* the PLL's frequency correction */
};

/* How the clock is read: adjtimex() itself, or a test's stand-in. */
typedef int (*ep_timex_fn)(struct timex *tx);

/* Reads the clock's state through read (NULL: adjtimex). */
void ep_host_clock_read(ep_timex_fn read, struct ep_host_clock *out);

/* Appends the row "local clock" to the NTP check's out when servers
 * answered (offsets measured) but nothing disciplines this host's clock:
 * WARNING, clock.unsynchronised.  Nothing when it is synchronised, when
 * no server answered (the servers' rows say why) or when it could not be
 * read. */
enum ep_status ep_host_clock_judge(const struct ep_host_clock *h,
                                   bool servers_answered,
                                   struct ep_check_result *out,
                                   struct ep_err *err);

#endif
