/* The subagent's command line: its own options (the AgentX socket, the
 * intervals, daemon and user), and the core's and the kinds' that the
 * whole checklist takes, as check_edge has them. */
#ifndef AGENTX_OPTIONS_H
#define AGENTX_OPTIONS_H

#include <stdbool.h>

#include "ep_settings.h"

struct agentx_options {
  const char *agentx_socket; /* NULL: net-snmp's default */
  double      interval;      /* s between runs; 0: the default */
  double      ntp_interval;  /* s between NTP queries; 0: the default */
  bool        foreground;
  const char *user, *pidfile;
};

/* Parses argv into s and o (zeroed by the caller; strings borrowed from
 * argv).  EP_EINVAL with
 * one line naming the option and what was wrong.  Not thread-safe. */
enum ep_status agentx_options_parse(struct ep_settings *s,
                                    struct agentx_options *o, int argc,
                                    char **argv, struct ep_err *err);

/* The help of the checklist's options the subagent takes; free() it
 * (NULL when out of memory). */
char *agentx_options_help(void);

/* The help of the kinds' options it takes, as check_edge has them. */
char *agentx_kind_options_help(void);

#endif
