#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "ep_run.h"
#include "ep_time.h"

/* Poll at least this often so a c-ares timer never stalls the loop. */
#define POLL_CAP_MS 1000

static bool
all_done(struct ep_probe *const *probes, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!probes[i]->ops->done(probes[i]))
      return false;
  return true;
}

enum ep_status
ep_run_loop(struct ep_run *run, struct ep_probe *const *probes,
            size_t n_probes, struct ep_err *err)
{
  struct ep_pollset ps;
  struct timespec   now;
  enum ep_status    rc = EP_OK;
  size_t            i;
  int               wait_ms, n;

  ep_pollset_init(&ps);
  for (i = 0; i < n_probes && rc == EP_OK; i++)
    rc = probes[i]->ops->start(probes[i], run, err);
  while (rc == EP_OK) {
    now = ep_time_now();
    if (all_done(probes, n_probes) || ep_time_reached(now, run->deadline))
      break;
    ep_pollset_reset(&ps);
    if (run->resolver)
      rc = ep_resolver_pollset(run->resolver, &ps, now);
    for (i = 0; i < n_probes && rc == EP_OK; i++)
      if (probes[i]->ops->pollset)
        rc = probes[i]->ops->pollset(probes[i], &ps, now);
    if (rc != EP_OK) {
      ep_err_set(err, rc, "out of memory building the poll set");
      break;
    }
    wait_ms = ep_time_ms_until(now, run->deadline, POLL_CAP_MS);
    if (ps.has_wake) {
      int wake_ms = ep_time_ms_until(now, ps.wake, POLL_CAP_MS);

      if (wake_ms < wait_ms)
        wait_ms = wake_ms;
    }
    n = poll(ps.fds, (nfds_t)ps.n, wait_ms);
    if (n < 0 && errno != EINTR) {
      rc = ep_err_set(err, EP_ESYS, "poll: %s", ep_strerror(errno).text);
      break;
    }
    if (n < 0)
      for (i = 0; i < ps.n; i++)
        ps.fds[i].revents = 0;
    /* Taken once, right after the wait: replies are timed to the moment
     * their socket became readable. */
    now = ep_time_now();
    if (run->resolver)
      ep_resolver_process(run->resolver, &ps, now);
    for (i = 0; i < n_probes; i++)
      if (probes[i]->ops->on_ready)
        probes[i]->ops->on_ready(probes[i], &ps, now);
  }
  if (run->resolver)
    ep_resolver_cancel(run->resolver);
  ep_pollset_cleanup(&ps);
  return rc;
}
