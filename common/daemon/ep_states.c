#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_states.h"

void
ep_state_memory_init(struct ep_state_memory *m)
{
  m->v = NULL;
  m->n = 0;
}

void
ep_state_memory_free(struct ep_state_memory *m)
{
  size_t i;

  for (i = 0; i < m->n; i++) {
    free(m->v[i].check);
    free(m->v[i].target);
  }
  free(m->v);
  ep_state_memory_init(m);
}

static struct ep_state_entry *
find(const struct ep_state_memory *m, const char *check, const char *target)
{
  size_t i;

  for (i = 0; i < m->n; i++)
    if (strcmp(m->v[i].target, target) == 0 &&
        strcmp(m->v[i].check, check) == 0)
      return &m->v[i];
  return NULL;
}

const struct ep_state_entry *
ep_state_memory_find(const struct ep_state_memory *m, const char *check,
                     const char *target)
{
  return find(m, check, target);
}

static enum ep_status
remember(struct ep_state_memory *m, const char *check,
         const struct ep_target_result *t, const struct timespec *at)
{
  struct ep_state_entry *v = realloc(m->v, (m->n + 1) * sizeof *m->v);
  struct ep_state_entry *e;

  if (!v)
    return EP_ENOMEM;
  m->v = v;
  e = &m->v[m->n];
  e->check = strdup(check);
  e->target = strdup(t->name);
  if (!e->check || !e->target) {
    free(e->check);
    free(e->target);
    return EP_ENOMEM;
  }
  e->state = t->state;
  e->since = *at;
  m->n++;
  return EP_OK;
}

enum ep_status
ep_state_memory_update(struct ep_state_memory *m,
                       const struct ep_check_result *r,
                       const struct timespec *at, ep_state_change_fn *changed,
                       void *arg)
{
  enum ep_status rc = EP_OK;
  size_t         i;

  for (i = 0; i < r->n_targets; i++) {
    const struct ep_target_result *t = &r->targets[i];
    struct ep_state_entry         *e = find(m, r->check, t->name);
    struct ep_state_change         c = {r->check, t, e == NULL,
                                        e ? e->state : EP_STATE_UNKNOWN};

    if (e && e->state == t->state)
      continue;
    if (changed && (e || t->state != EP_STATE_OK))
      changed(&c, arg);
    if (e) {
      e->state = t->state;
      e->since = *at;
    } else if (remember(m, r->check, t, at) != EP_OK) {
      rc = EP_ENOMEM;
    }
  }
  return rc;
}
