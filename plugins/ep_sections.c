#include "config.h"

#include <stddef.h>

#include "ep_sections.h"

#define EP_KIND(x) extern const struct ep_section ep_##x##_section;
#include "ep_kinds.def"
#undef EP_KIND

const struct ep_section *const ep_profile_sections[] = {
#define EP_KIND(x) &ep_##x##_section,
#include "ep_kinds.def"
#undef EP_KIND
  NULL};
