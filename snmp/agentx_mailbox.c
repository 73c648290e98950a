#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agentx_mailbox.h"

static void
notice_free(struct agentx_notice *n)
{
  free(n->target);
  free(n->cause);
}

void
agentx_update_free(struct agentx_update *u)
{
  size_t i;

  if (!u)
    return;
  ep_snmp_view_free(&u->view);
  for (i = 0; i < u->n_notices; i++)
    notice_free(&u->notices[i]);
  free(u->notices);
  free(u);
}

/* older's notices go in any case: into or dropped (and counted). */
void
agentx_notices_carry(struct agentx_update *into, struct agentx_update *older,
                     size_t sent)
{
  size_t                unsent, total, drop, i, n = 0;
  struct agentx_notice *all = NULL;

  into->notices_dropped += older->notices_dropped;
  unsent = older->n_notices > sent ? older->n_notices - sent : 0;
  total = unsent + into->n_notices;
  drop = total > AGENTX_NOTICES_MAX ? total - AGENTX_NOTICES_MAX : 0;
  if (unsent > drop && !(all = malloc((total - drop) * sizeof *all)))
    drop = unsent; /* no memory: the older ones go */
  for (i = 0; i < older->n_notices; i++) {
    if (i < sent + drop || !all)
      notice_free(&older->notices[i]);
    else
      all[n++] = older->notices[i];
  }
  into->notices_dropped += drop < unsent ? drop : unsent;
  free(older->notices);
  older->notices = NULL;
  older->n_notices = 0;
  if (!all)
    return;
  if (into->n_notices)
    memcpy(all + n, into->notices, into->n_notices * sizeof *all);
  free(into->notices);
  into->notices = all;
  into->n_notices += n;
}

int
agentx_mailbox_init(struct agentx_mailbox *m)
{
  int rc;

  memset(m, 0, sizeof *m);
  if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK) != 0)
    return errno;
  if ((rc = pthread_mutex_init(&m->lock, NULL)) != 0) {
    close(m->wake[0]);
    close(m->wake[1]);
    return rc;
  }
  return 0;
}

void
agentx_mailbox_post(struct agentx_mailbox *m, struct agentx_update *u)
{
  struct agentx_update *old, *spent;
  ssize_t               n;

  pthread_mutex_lock(&m->lock);
  old = m->pending;
  if (old)
    agentx_notices_carry(u, old, 0);
  m->pending = u;
  spent = m->spent;
  m->spent = NULL;
  pthread_mutex_unlock(&m->lock);
  /* Views replaced or given back are freed here, outside the lock. */
  agentx_update_free(spent);
  if (old) {
    agentx_update_free(old);
    return; /* its wake-up is still unread */
  }
  do
    n = write(m->wake[1], "u", 1);
  while (n < 0 && errno == EINTR);
  /* A full pipe already holds wake-ups enough. */
}

struct agentx_update *
agentx_mailbox_take(struct agentx_mailbox *m)
{
  struct agentx_update *u;

  pthread_mutex_lock(&m->lock);
  u = m->pending;
  m->pending = NULL;
  pthread_mutex_unlock(&m->lock);
  return u;
}

void
agentx_mailbox_give_back(struct agentx_mailbox *m, struct agentx_update *u)
{
  struct agentx_update *unfreed;

  pthread_mutex_lock(&m->lock);
  unfreed = m->spent;
  m->spent = u;
  pthread_mutex_unlock(&m->lock);
  /* Two takes between two posts cannot happen; were it to, no leak. */
  agentx_update_free(unfreed);
}

bool
agentx_mailbox_read_wakes(struct agentx_mailbox *m)
{
  char    buf[64];
  ssize_t n, i;
  bool    stop = false;

  while ((n = read(m->wake[0], buf, sizeof buf)) > 0 ||
         (n < 0 && errno == EINTR))
    for (i = 0; i < n; i++)
      stop = stop || buf[i] == 's';
  return stop;
}

void
agentx_mailbox_ask_stop(int wake_write_fd)
{
  int     saved = errno;
  ssize_t n = write(wake_write_fd, "s", 1);

  (void)n;
  errno = saved;
}

void
agentx_mailbox_destroy(struct agentx_mailbox *m)
{
  agentx_update_free(m->pending);
  agentx_update_free(m->spent);
  m->pending = m->spent = NULL;
  close(m->wake[0]);
  close(m->wake[1]);
  pthread_mutex_destroy(&m->lock);
}
