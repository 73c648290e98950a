#include "config.h"

#include <stdlib.h>

#include "ep_memory.h"

struct slot {
  const void *owner;
  void       *data;
  void (*release)(void *data);
};

struct ep_memory {
  struct slot *v;
  size_t       n;
};

struct ep_memory *
ep_memory_new(void)
{
  return calloc(1, sizeof(struct ep_memory));
}

void
ep_memory_free(struct ep_memory *m)
{
  size_t i;

  if (!m)
    return;
  for (i = 0; i < m->n; i++)
    if (m->v[i].release)
      m->v[i].release(m->v[i].data);
  free(m->v);
  free(m);
}

void *
ep_memory_get(const struct ep_memory *m, const void *owner)
{
  size_t i;

  for (i = 0; m && i < m->n; i++)
    if (m->v[i].owner == owner)
      return m->v[i].data;
  return NULL;
}

enum ep_status
ep_memory_keep(struct ep_memory *m, const void *owner, void *data,
               void (*release)(void *data))
{
  struct slot *v = realloc(m->v, (m->n + 1) * sizeof *v);

  if (!v) {
    if (release)
      release(data);
    return EP_ENOMEM;
  }
  m->v = v;
  v[m->n].owner = owner;
  v[m->n].data = data;
  v[m->n].release = release;
  m->n++;
  return EP_OK;
}
