/* What a long-lived front end (a collectd read, the subagent) keeps for
 * the probe kinds between its runs: one slot per owner (a kind), holding
 * whatever the kind keeps (the NTP offsets for the drift), freed with
 * the front end's memory.  The front end knows none of it. */
#ifndef EP_MEMORY_H
#define EP_MEMORY_H

#include "ep_err.h"

struct ep_memory;

/* A new, empty memory; NULL when out of memory. */
struct ep_memory *ep_memory_new(void);
/* Frees every slot (with its release) and the memory. */
void              ep_memory_free(struct ep_memory *m);

/* owner's slot, or NULL when it keeps nothing yet. */
void *ep_memory_get(const struct ep_memory *m, const void *owner);

/* Keeps data in owner's slot (released by release when m is freed).
 * EP_ENOMEM, with data released, when it cannot. */
enum ep_status ep_memory_keep(struct ep_memory *m, const void *owner,
                              void *data, void (*release)(void *data));

#endif
