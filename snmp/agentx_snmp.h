/* edgeprobe-agentx's side of net-snmp: the AgentX session, the handler
 * that answers GET and GETNEXT from the latest view, and the
 * edgeProbeStateChange notifications.  Agent thread only. */
#ifndef AGENTX_SNMP_H
#define AGENTX_SNMP_H

#include <stdbool.h>

#include "agentx_prober.h"
#include "ep_err.h"

/* Connects to snmpd's AgentX socket (NULL: net-snmp's default), pinging
 * it every ping_interval s to reattach after a restart, and registers
 * edgeProbeObjects, served from first until a newer view arrives in
 * mailbox.  Logs to stderr (foreground) or syslog. */
enum ep_status agentx_snmp_start(const char *socket, int ping_interval,
                                 bool foreground,
                                 struct agentx_mailbox *mailbox,
                                 struct agentx_update *first,
                                 struct ep_err *err);
/* Handles requests, updates and their notifications until the mailbox
 * is asked to stop (by the signal handler). */
void agentx_snmp_loop(void);
/* Leaves snmpd (before the probe thread is joined, so that no request
 * waits on a run) and frees the view; what is still in the mailbox is
 * freed with it, once the thread has stopped. */
void agentx_snmp_stop(void);
/* A line to the agent's log (printf-style, no newline). */
void agentx_log(int priority, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

#endif
