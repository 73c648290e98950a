#include "config.h"

#include <string.h>

#include "ep_probes.h"

#define EP_KIND(x) extern const struct ep_probe_kind ep_##x##_kind;
#include "ep_kinds.def"
#undef EP_KIND

const struct ep_probe_kind *const ep_probe_kinds[] = {
#define EP_KIND(x) &ep_##x##_kind,
#include "ep_kinds.def"
#undef EP_KIND
};
const size_t ep_probe_kinds_n =
  sizeof ep_probe_kinds / sizeof ep_probe_kinds[0];

const struct ep_probe_kind *
ep_probe_kind_named(const char *name)
{
  size_t i;

  for (i = 0; i < ep_probe_kinds_n; i++)
    if (strcmp(ep_probe_kinds[i]->name, name) == 0)
      return ep_probe_kinds[i];
  return NULL;
}
