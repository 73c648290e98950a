#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_sysORTable.h>
#include <net-snmp/agent/sysORTable.h>

#include "agentx_snmp.h"
#include "ep_time.h"

#define NAME "edgeprobe-agentx"

_Static_assert(sizeof(oid) == sizeof(ep_oid), "ep_oid is net-snmp's oid");

/* How long notifications may be sent between two looks for requests: a
 * storm of state changes must not hold GETs back (one takes about
 * 0.2 ms, snmpd's AgentX round included). */
#define NOTICES_PASS_S 0.0005

static struct {
  struct agentx_update  *current;
  size_t                 sent; /* of current's notices */
  struct agentx_mailbox *mailbox;
  bool                   running;
} agent;

/* snmpTrapOID.0 (RFC 3418). */
static const oid trap_oid_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};

/* Our row of the master's sysORTable (RFC 3418), as net-snmp's own
 * modules list theirs: sysORID the module's identity, edgeProbeMIB. */
#define SYSOR_DESCR                                                            \
  "The edgeprobe MIB module: an edge gateway's network checks."

static void
set_value(netsnmp_variable_list *vb, const struct ep_snmp_value *v)
{
  long   signed_value = (long)v->number;    /* Integer32 */
  u_long unsigned_value = (u_long)v->number; /* Gauge32, Counter32 */

  switch (v->type) {
    case EP_SNMP_INTEGER:
      snmp_set_var_typed_value(vb, ASN_INTEGER, &signed_value,
                               sizeof signed_value);
      break;
    case EP_SNMP_UNSIGNED:
      snmp_set_var_typed_value(vb, ASN_GAUGE, &unsigned_value,
                               sizeof unsigned_value);
      break;
    case EP_SNMP_COUNTER:
      snmp_set_var_typed_value(vb, ASN_COUNTER, &unsigned_value,
                               sizeof unsigned_value);
      break;
    case EP_SNMP_OCTETS:
      snmp_set_var_typed_value(vb, ASN_OCTET_STR, v->octets, v->len);
      break;
  }
}

/* Every request is a lookup in the latest view: never a probe. */
static int
handle_request(netsnmp_mib_handler *handler,
               netsnmp_handler_registration *reginfo,
               netsnmp_agent_request_info *reqinfo,
               netsnmp_request_info *requests)
{
  const struct ep_snmp_view *view = &agent.current->view;
  netsnmp_request_info      *r;

  (void)handler;
  (void)reginfo;
  for (r = requests; r; r = r->next) {
    netsnmp_variable_list      *vb = r->requestvb;
    const struct ep_snmp_value *v;

    if (r->processed)
      continue;
    switch (reqinfo->mode) {
      case MODE_GET:
        v = ep_snmp_view_get(view, vb->name, vb->name_length);
        if (v)
          set_value(vb, v);
        else
          netsnmp_set_request_error(reqinfo, r,
                                    ep_snmp_is_object(vb->name,
                                                      vb->name_length)
                                      ? SNMP_NOSUCHINSTANCE
                                      : SNMP_NOSUCHOBJECT);
        break;
      case MODE_GETNEXT:
        v = ep_snmp_view_next(view, vb->name, vb->name_length,
                              r->inclusive != 0);
        /* Past our last instance: left unanswered, the agent moves on
         * to the next registration. */
        if (v) {
          snmp_set_var_objid(vb, v->oid, v->oid_len);
          set_value(vb, v);
        }
        break;
      default:
        netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
        break;
    }
  }
  return SNMP_ERR_NOERROR;
}

static void
add_notify_var(netsnmp_variable_list **vars, enum ep_mib_notify which,
               u_char type, const void *value, size_t len)
{
  oid name[EP_MIB_ROOT_LEN + 4];

  memcpy(name, ep_mib_root, sizeof ep_mib_root);
  name[EP_MIB_ROOT_LEN] = EP_MIB_OBJECTS;
  name[EP_MIB_ROOT_LEN + 1] = EP_MIB_NOTIFY;
  name[EP_MIB_ROOT_LEN + 2] = which;
  name[EP_MIB_ROOT_LEN + 3] = 0;
  snmp_varlist_add_variable(vars, name, OID_LENGTH(name), type, value, len);
}

static void
send_notice(const struct agentx_notice *n)
{
  netsnmp_variable_list *vars = NULL;
  oid                    change[EP_MIB_ROOT_LEN + 2];
  long                   check = n->check, old = n->old, now = n->now;
  char                   target[EP_MIB_TEXT_MAX], cause[EP_MIB_TEXT_MAX];

  memcpy(change, ep_mib_root, sizeof ep_mib_root);
  change[EP_MIB_ROOT_LEN] = EP_MIB_NOTIFICATIONS;
  change[EP_MIB_ROOT_LEN + 1] = EP_MIB_STATE_CHANGE;
  snmp_varlist_add_variable(&vars, trap_oid_oid, OID_LENGTH(trap_oid_oid),
                            ASN_OBJECT_ID, change, sizeof change);
  add_notify_var(&vars, EP_MIB_NOTIFY_CHECK, ASN_INTEGER, &check,
                 sizeof check);
  add_notify_var(&vars, EP_MIB_NOTIFY_TARGET, ASN_OCTET_STR, target,
                 ep_snmp_text(n->target, target));
  add_notify_var(&vars, EP_MIB_NOTIFY_OLD_STATE, ASN_INTEGER, &old,
                 sizeof old);
  add_notify_var(&vars, EP_MIB_NOTIFY_NEW_STATE, ASN_INTEGER, &now,
                 sizeof now);
  add_notify_var(&vars, EP_MIB_NOTIFY_CAUSE, ASN_OCTET_STR, cause,
                 ep_snmp_text(n->cause, cause));
  send_v2trap(vars);
  snmp_free_varbind(vars);
}

/* The new view serves from now on; the changes not yet sent go out
 * before the new ones. */
static void
take_update(struct agentx_update *u)
{
  if (u->failed)
    snmp_log(LOG_ERR, "%s: a probe run could not happen: %s\n", NAME,
             u->failure);
  if (agent.current) {
    agentx_notices_carry(u, agent.current, agent.sent);
    agentx_mailbox_give_back(agent.mailbox, agent.current);
  }
  agent.current = u;
  agent.sent = 0;
  if (u->notices_dropped) {
    snmp_log(LOG_WARNING,
             "%s: %zu state changes not sent as notifications: more than %d "
             "waited at once\n",
             NAME, u->notices_dropped, AGENTX_NOTICES_MAX);
    u->notices_dropped = 0;
  }
}

static bool
notices_waiting(void)
{
  return agent.current && agent.sent < agent.current->n_notices;
}

static void
send_some_notices(void)
{
  struct timespec start = ep_time_now();

  while (notices_waiting()) {
    send_notice(&agent.current->notices[agent.sent++]);
    if (ep_time_diff(ep_time_now(), start) >= NOTICES_PASS_S)
      break;
  }
}

/* The probe thread's update, and the signal handler's stop. */
static void
on_wake(int fd, void *data)
{
  struct agentx_update *u;

  (void)fd;
  (void)data;
  if (agentx_mailbox_read_wakes(agent.mailbox))
    agent.running = false;
  if ((u = agentx_mailbox_take(agent.mailbox)))
    take_update(u);
}

enum ep_status
agentx_snmp_start(const char *socket, int ping_interval, bool foreground,
                  struct agentx_mailbox *mailbox,
                  struct agentx_update *first,
                  struct ep_err *err)
{
  oid                           objects[EP_MIB_ROOT_LEN + 1];
  oid                           module[EP_MIB_ROOT_LEN];
  netsnmp_handler_registration *reg;

  if (foreground)
    snmp_enable_stderrlog();
  else
    snmp_enable_syslog_ident(NAME, LOG_DAEMON);
  /* It reads no MIB (values carry their types): none loaded, no noise
   * about the base modules Debian does not ship. */
  setenv("MIBS", "", 0);
  netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
  if (socket)
    netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
                          NETSNMP_DS_AGENT_X_SOCKET, socket);
  /* Nothing of ours persists; after dropping privileges the default
   * directory would not be writable anyway. */
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                         NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
  netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
                         NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
  if (init_agent(NAME) != 0)
    return ep_err_set(err, EP_ELIB, "net-snmp: cannot start the agent");
  /* init_agent() sets its own; it must be ours before init_snmp(). */
  netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
                     NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, ping_interval);
  agent.current = first;
  agent.sent = 0;
  agent.mailbox = mailbox;
  memcpy(objects, ep_mib_root, sizeof ep_mib_root);
  objects[EP_MIB_ROOT_LEN] = EP_MIB_OBJECTS;
  reg = netsnmp_create_handler_registration(NAME, handle_request, objects,
                                            OID_LENGTH(objects),
                                            HANDLER_CAN_RONLY);
  if (!reg || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
    return ep_err_set(err, EP_ELIB, "net-snmp: cannot register the MIB");
  /* Before init_snmp(), which connects: the subagent hands snmpd every
   * sysORTable entry it holds when it connects, and again when it
   * reattaches after an snmpd restart. */
  memcpy(module, ep_mib_root, sizeof ep_mib_root);
  if (register_sysORTable(module, OID_LENGTH(module), SYSOR_DESCR) !=
      SYS_ORTABLE_REGISTERED_OK)
    return ep_err_set(err, EP_ELIB, "net-snmp: cannot register in sysORTable");
  init_snmp(NAME);
  if (register_readfd(mailbox->wake[0], on_wake, NULL) != 0)
    return ep_err_set(err, EP_ELIB, "net-snmp: cannot watch the wake pipe");
  agent.running = true;
  return EP_OK;
}

void
agentx_snmp_loop(void)
{
  /* Without waiting while notifications are still to go. */
  while (agent.running) {
    agent_check_and_process(notices_waiting() ? 0 : 1);
    send_some_notices();
  }
}

void
agentx_snmp_stop(void)
{
  oid module[EP_MIB_ROOT_LEN];

  unregister_readfd(agent.mailbox->wake[0]);
  /* While the session is open, so that snmpd hears it (removeAgentCaps)
   * rather than only finding the session gone. */
  memcpy(module, ep_mib_root, sizeof ep_mib_root);
  unregister_sysORTable(module, OID_LENGTH(module));
  /* Closing the session first: snmpd stops sending us requests that
   * would wait for the probe thread's last run to end. */
  snmp_shutdown(NAME);
  shutdown_agent();
  agentx_update_free(agent.current);
  agent.current = NULL;
}

void
agentx_log(int priority, const char *fmt, ...)
{
  char    line[512];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  snmp_log(priority, "%s\n", line);
}
