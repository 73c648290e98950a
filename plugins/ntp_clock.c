#include "config.h"

#include <errno.h>
#include <string.h>

#include "ep_cause.h"
#include "ep_json.h"
#include "ep_output.h"
#include "ntp_clock.h"

void
ep_host_clock_read(ep_timex_fn read, struct ep_host_clock *out)
{
  struct timex tx;
  int          state;

  memset(out, 0, sizeof *out);
  memset(&tx, 0, sizeof tx); /* modes 0: read only */
  state = (read ? read : adjtimex)(&tx);
  if (state < 0) {
    out->os_errno = errno;
    return;
  }
  out->known = true;
  out->status = tx.status;
  out->synchronised = !(tx.status & STA_UNSYNC) && state != TIME_ERROR;
  /* Microseconds; the frequency in ppm with a 16-bit fraction. */
  out->max_error_s = (double)tx.maxerror / 1e6;
  out->est_error_s = (double)tx.esterror / 1e6;
  out->freq_ppm = (double)tx.freq / 65536.0;
}

static enum ep_status
clock_json(json_object *d, const struct ep_host_clock *h)
{
  enum ep_status rc;

  rc = ep_json_put(d, "synchronised", json_object_new_boolean(h->synchronised));
  if (rc == EP_OK)
    rc = ep_json_put(d, "max_error_seconds",
                     json_object_new_double(h->max_error_s));
  if (rc == EP_OK)
    rc = ep_json_put(d, "estimated_error_seconds",
                     json_object_new_double(h->est_error_s));
  if (rc == EP_OK)
    rc = ep_json_put(d, "frequency_ppm", json_object_new_double(h->freq_ppm));
  if (rc == EP_OK)
    rc = ep_json_put(d, "kernel_status", json_object_new_int(h->status));
  return rc;
}

enum ep_status
ep_host_clock_judge(const struct ep_host_clock *h, bool servers_answered,
                    struct ep_check_result *out, struct ep_err *err)
{
  struct ep_target_result *t;
  enum ep_status           rc;
  char                     max[32], est[32], freq[32];

  if (!h->known || h->synchronised || !servers_answered)
    return EP_OK;
  if (!(t = ep_check_result_add(out, "local clock", err)))
    return EP_ENOMEM;
  t->state = EP_STATE_WARNING;
  ep_target_set_cause(t, EP_CAUSE_CLOCK_UNSYNC);
  ep_format_number(max, sizeof max, h->max_error_s);
  ep_format_number(est, sizeof est, h->est_error_s);
  ep_format_number(freq, sizeof freq, h->freq_ppm);
  rc = ep_target_set_why(t, "this host's clock is not synchronised (no time "
                            "daemon disciplining it)");
  if (rc == EP_OK)
    rc = ep_target_set_text(t, "NTP servers answer, but this host's clock is "
                               "not synchronised (no time daemon disciplining "
                               "it; maximum error %s s)",
                            max);
  if (rc == EP_OK)
    rc = ep_target_add_detail(t, "kernel: maximum error %s s, estimated "
                                 "error %s s, frequency %s ppm, status 0x%04x",
                              max, est, freq, (unsigned)h->status);
  if (rc == EP_OK)
    rc = clock_json(t->data, h);
  if (rc != EP_OK)
    return ep_err_set(err, rc, "out of memory judging this host's clock");
  out->state = ep_state_worse(out->state, EP_STATE_WARNING);
  return EP_OK;
}
