/* The parts of a profile every kind declares, for every front end: a
 * single check reads the whole profile too (its DNS check resolves the
 * names the others need), without linking the other probes. */
#ifndef EP_SECTIONS_H
#define EP_SECTIONS_H

#include "ep_schema.h"

/* NULL-terminated, in the order of ep_probe_kinds. */
extern const struct ep_section *const ep_profile_sections[];

#endif
