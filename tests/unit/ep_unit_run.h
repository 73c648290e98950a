/* A run of every kind of the build, filled by hand as the probes would
 * leave it: for the suites of what reads whole runs (the diagnosis, the
 * SNMP view). */
#ifndef EP_UNIT_RUN_H
#define EP_UNIT_RUN_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ep_check.h"
#include "ep_probes.h"

/* A run of every kind of the build, none run yet, as a test fills it by
 * hand; ep_run_result_cleanup() it. */
static inline void
ep_unit_run_init(struct ep_run_result *run)
{
  size_t i;

  ep_run_result_init(run);
  run->kinds = ep_probe_kinds;
  run->n = ep_probe_kinds_n;
  run->checks = calloc(run->n, sizeof *run->checks);
  ck_assert_ptr_nonnull(run->checks);
  for (i = 0; i < run->n; i++)
    ep_check_result_init(&run->checks[i]);
}

/* The index in a run of every kind (ep_unit_run_init) of the kind called
 * name. */
static inline size_t
ep_unit_slot(const char *name)
{
  size_t i;

  for (i = 0; i < ep_probe_kinds_n; i++)
    if (strcmp(ep_probe_kinds[i]->name, name) == 0)
      return i;
  ck_abort_msg("no kind %s", name);
  return 0;
}

#endif
