#include "config.h"

#include <stdlib.h>

#include "ep_probe.h"

struct ep_probe *
ep_probe_alloc(const struct ep_probe_ops *ops, size_t ctx_size, size_t n,
               size_t target_size, void **targets, struct ep_err *err)
{
  struct ep_probe *p = calloc(1, sizeof *p);
  void            *ctx = calloc(1, ctx_size);
  void            *t = calloc(n + 1, target_size);

  if (!p || !ctx || !t) {
    free(p);
    free(ctx);
    free(t);
    ep_err_set(err, EP_ENOMEM, "out of memory creating the %s probe",
               ops->name);
    return NULL;
  }
  p->ops = ops;
  p->ctx = ctx;
  *targets = t;
  return p;
}
