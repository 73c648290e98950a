/* The subagent's probe thread: the whole checklist every interval, each
 * run turned into a new SNMP view and the state changes it found, handed
 * to the agent thread through a mailbox (agentx_mailbox.h).  The agent
 * thread never waits on a probe; the probe thread never touches
 * net-snmp. */
#ifndef AGENTX_PROBER_H
#define AGENTX_PROBER_H

#include <pthread.h>
#include <stdbool.h>

#include "agentx_mailbox.h"
#include "ep_config.h"
#include "ep_schedule.h"
#include "ep_snmp_view.h"
#include "ep_states.h"

struct agentx_prober {
  const struct ep_config *cfg; /* borrowed; outlives the thread */
  const char             *profile_name;
  double                  interval;
  struct agentx_mailbox  *mailbox; /* where each run's update goes */
  pthread_t               thread;
  pthread_mutex_t         lock;
  pthread_cond_t          cond;
  bool                    stopping, started;
  /* The probe thread's own: */
  struct ep_state_memory  states;
  uint32_t                runs;
  /* Per kind of ep_probe_kinds: the last results of a polite kind (a
   * target per configured server), shown by the runs between two of its
   * own, and when it last ran. */
  struct ep_check_result  *kept;
  struct ep_schedule_pace *pace;
};

/* The view before the first run ends, for the agent thread to serve at
 * once; NULL on no memory. */
struct agentx_update *agentx_first_view(const char *profile_name,
                                        double interval);

/* Starts the thread (its signals blocked); a kind with a min_interval
 * (NTP) runs at most every polite_interval when that is above 0, else
 * every min_interval.  EP_ESYS with a message. */
enum ep_status agentx_prober_start(struct agentx_prober *p,
                                   const struct ep_config *cfg,
                                   const char *profile_name, double interval,
                                   double polite_interval,
                                   struct agentx_mailbox *mailbox,
                                   struct ep_err *err);
/* Stops it: a run under way ends by its deadline first. */
void agentx_prober_stop(struct agentx_prober *p);

#endif
