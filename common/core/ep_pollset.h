/* The file descriptors and the earliest wake-up one loop pass waits for;
 * every component (the resolver, each probe) adds its own. */
#ifndef EP_POLLSET_H
#define EP_POLLSET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_err.h"

struct ep_pollset {
  struct pollfd  *fds;
  size_t          n, cap;
  bool            has_wake;
  struct timespec wake; /* earliest time a component wants to run */
};

void           ep_pollset_init(struct ep_pollset *ps);
void           ep_pollset_cleanup(struct ep_pollset *ps);
void           ep_pollset_reset(struct ep_pollset *ps);
enum ep_status ep_pollset_add(struct ep_pollset *ps, int fd, short events);

/* Asks to run again no later than at. */
void ep_pollset_wake_at(struct ep_pollset *ps, struct timespec at);

/* revents of fd in the last poll, 0 when fd is not in the set. */
short ep_pollset_revents(const struct ep_pollset *ps, int fd);

#endif
