/* How the subagent's probe thread hands its runs to the agent thread: one
 * update waits at a time.  A run that ends before the agent thread took
 * the last one replaces its view and carries its state changes along, so
 * a slow agent thread (a storm of notifications, snmpd gone) costs one
 * view, never a queue of them, and no request ever waits on the probe
 * thread beyond a pointer swap. */
#ifndef AGENTX_MAILBOX_H
#define AGENTX_MAILBOX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "ep_snmp_view.h"
#include "ep_err.h"
#include "ep_result.h"

/* State changes kept for sending, at most: beyond, the oldest go, and
 * are counted. */
#define AGENTX_NOTICES_MAX 4096

/* A change of a target's state, for edgeProbeStateChange. */
struct agentx_notice {
  int            check; /* EdgeProbeCheck */
  char          *target;
  enum ep_state  old, now;
  char          *cause; /* "" when OK */
};

/* What one run hands over (freed by agentx_update_free). */
struct agentx_update {
  struct ep_snmp_view   view;
  struct agentx_notice *notices;
  size_t                n_notices;
  size_t                notices_dropped; /* over AGENTX_NOTICES_MAX */
  bool                  failed; /* the run could not happen: */
  char                  failure[EP_ERR_MSG_MAX];
};

void agentx_update_free(struct agentx_update *u);

/* Puts older's notices from index sent on (those not yet sent) before
 * into's, keeping the newest AGENTX_NOTICES_MAX; older keeps none. */
void agentx_notices_carry(struct agentx_update *into,
                          struct agentx_update *older, size_t sent);

struct agentx_mailbox {
  pthread_mutex_t       lock;
  struct agentx_update *pending;
  struct agentx_update *spent; /* given back, for the probe thread to free */
  int                   wake[2]; /* a byte a wake-up: 'u' an update, 's' stop */
};

/* 0, or an errno. */
int agentx_mailbox_init(struct agentx_mailbox *m);
/* Probe thread: u is the mailbox's now. */
void agentx_mailbox_post(struct agentx_mailbox *m, struct agentx_update *u);
/* Agent thread: the waiting update, or NULL. */
struct agentx_update *agentx_mailbox_take(struct agentx_mailbox *m);
/* Agent thread: an update it is done with, freed by the probe thread at
 * its next post: the view was allocated there, and freeing it here would
 * contend, block by block, for the allocator's arena the probe thread is
 * busy in. */
void agentx_mailbox_give_back(struct agentx_mailbox *m,
                              struct agentx_update *u);
/* Agent thread: reads the wake-ups; true when a stop was asked. */
bool agentx_mailbox_read_wakes(struct agentx_mailbox *m);
/* From a signal handler: asks the agent thread to stop. */
void agentx_mailbox_ask_stop(int wake_write_fd);
/* Once both threads are done with it. */
void agentx_mailbox_destroy(struct agentx_mailbox *m);

#endif
