#include "config.h"

#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ep_curlmulti.h"
#include "ep_time.h"
#include "ep_tls.h"

/* A socket curl asked us to watch, and for what (CURL_POLL_*). */
struct watched {
  curl_socket_t fd;
  int           what;
};

struct ep_curl_multi {
  CURLM          *multi;
  struct watched *socks;
  size_t          n_socks, cap_socks;
  bool            has_timer;
  struct timespec timer;
};

static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
  struct ep_curl_multi *m = userp;
  size_t                i;

  (void)easy;
  (void)sockp;
  for (i = 0; i < m->n_socks; i++)
    if (m->socks[i].fd == fd)
      break;
  if (what == CURL_POLL_REMOVE) {
    if (i < m->n_socks)
      m->socks[i] = m->socks[--m->n_socks];
    return 0;
  }
  if (i == m->n_socks) {
    if (m->n_socks == m->cap_socks) {
      size_t          cap = m->cap_socks ? m->cap_socks * 2 : 16;
      struct watched *v = realloc(m->socks, cap * sizeof *v);

      if (!v)
        return -1;
      m->socks = v;
      m->cap_socks = cap;
    }
    m->n_socks++;
  }
  m->socks[i].fd = fd;
  m->socks[i].what = what;
  return 0;
}

static int
on_timer(CURLM *multi, long ms, void *userp)
{
  struct ep_curl_multi *m = userp;

  (void)multi;
  m->has_timer = ms >= 0;
  if (ms >= 0)
    m->timer = ep_time_add(ep_time_now(), (double)ms / 1000.0);
  return 0;
}

struct ep_curl_multi *
ep_curl_multi_new(struct ep_err *err)
{
  struct ep_curl_multi *m = calloc(1, sizeof *m);

  if (!m) {
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  if (!(m->multi = curl_multi_init()) ||
      curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket) ||
      curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m) ||
      curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timer) ||
      curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m)) {
    ep_curl_multi_free(m);
    ep_err_set(err, EP_ELIB, "cannot create a curl multi handle");
    return NULL;
  }
  return m;
}

void
ep_curl_multi_free(struct ep_curl_multi *m)
{
  if (!m)
    return;
  if (m->multi)
    curl_multi_cleanup(m->multi);
  free(m->socks);
  free(m);
}

CURLM *
ep_curl_multi_handle(const struct ep_curl_multi *m)
{
  return m->multi;
}

enum ep_status
ep_curl_multi_pollset(const struct ep_curl_multi *m, struct ep_pollset *ps)
{
  size_t i;

  for (i = 0; i < m->n_socks; i++) {
    short ev = (m->socks[i].what & CURL_POLL_IN) ? POLLIN : 0;

    if (m->socks[i].what & CURL_POLL_OUT)
      ev = (short)(ev | POLLOUT);
    if (ep_pollset_add(ps, m->socks[i].fd, ev) != EP_OK)
      return EP_ENOMEM;
  }
  if (m->has_timer)
    ep_pollset_wake_at(ps, m->timer);
  return EP_OK;
}

void
ep_curl_multi_drive(struct ep_curl_multi *m, const struct ep_pollset *ps,
                    struct timespec now, ep_curl_writable_cb writable,
                    void *arg)
{
  struct ep_sigpipe_guard g;
  struct watched          ready[64];
  size_t                  i, n = 0;
  int                     running;
  bool                    due;

  /* Callbacks change m->socks while curl works: act on a copy. */
  for (i = 0; i < m->n_socks; i++) {
    short rev = ep_pollset_revents(ps, m->socks[i].fd);
    int   ev = 0;

    if (rev & (POLLIN | POLLHUP))
      ev |= CURL_CSELECT_IN;
    if (rev & POLLOUT)
      ev |= CURL_CSELECT_OUT;
    if (rev & (POLLERR | POLLNVAL))
      ev |= CURL_CSELECT_ERR;
    if (ev && n < sizeof ready / sizeof ready[0]) {
      ready[n].fd = m->socks[i].fd;
      ready[n++].what = ev;
    }
    if ((ev & CURL_CSELECT_OUT) && writable)
      writable(arg, m->socks[i].fd, rev, now);
  }
  due = m->has_timer && ep_time_reached(now, m->timer);
  if (n == 0 && !due)
    return; /* nothing for curl: no signal mask to set and restore */
  ep_sigpipe_block(&g);
  for (i = 0; i < n; i++)
    curl_multi_socket_action(m->multi, ready[i].fd, ready[i].what, &running);
  /* curl's timer is one-shot: once run, it is gone unless curl sets
   * another (it calls on_timer only when its next timeout changes, so a
   * stale one would have the loop wake at once, again and again). */
  if (due) {
    m->has_timer = false;
    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  }
  ep_sigpipe_restore(&g);
}

void
ep_curl_multi_kick(struct ep_curl_multi *m)
{
  struct ep_sigpipe_guard g;
  int                     running;

  ep_sigpipe_block(&g);
  m->has_timer = false;
  curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  ep_sigpipe_restore(&g);
}

void
ep_curl_multi_writable(struct ep_curl_multi *m, curl_socket_t fd)
{
  struct ep_sigpipe_guard g;
  int                     running;

  ep_sigpipe_block(&g);
  curl_multi_socket_action(m->multi, fd, CURL_CSELECT_OUT, &running);
  ep_sigpipe_restore(&g);
}
