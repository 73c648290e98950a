#include "config.h"

#include <stdlib.h>

#include "ep_pollset.h"
#include "ep_time.h"

void
ep_pollset_init(struct ep_pollset *ps)
{
  ps->fds = NULL;
  ps->n = ps->cap = 0;
  ps->has_wake = false;
}

void
ep_pollset_cleanup(struct ep_pollset *ps)
{
  free(ps->fds);
  ep_pollset_init(ps);
}

void
ep_pollset_reset(struct ep_pollset *ps)
{
  ps->n = 0;
  ps->has_wake = false;
}

enum ep_status
ep_pollset_add(struct ep_pollset *ps, int fd, short events)
{
  struct pollfd *v;
  size_t         i;

  for (i = 0; i < ps->n; i++) {
    if (ps->fds[i].fd == fd) {
      ps->fds[i].events |= events;
      return EP_OK;
    }
  }
  if (ps->n == ps->cap) {
    size_t cap = ps->cap ? ps->cap * 2 : 16;

    v = realloc(ps->fds, cap * sizeof *v);
    if (!v)
      return EP_ENOMEM;
    ps->fds = v;
    ps->cap = cap;
  }
  ps->fds[ps->n].fd = fd;
  ps->fds[ps->n].events = events;
  ps->fds[ps->n].revents = 0;
  ps->n++;
  return EP_OK;
}

void
ep_pollset_wake_at(struct ep_pollset *ps, struct timespec at)
{
  if (!ps->has_wake || ep_time_reached(ps->wake, at)) {
    ps->wake = at;
    ps->has_wake = true;
  }
}

short
ep_pollset_revents(const struct ep_pollset *ps, int fd)
{
  size_t i;

  for (i = 0; i < ps->n; i++)
    if (ps->fds[i].fd == fd)
      return ps->fds[i].revents;
  return 0;
}
