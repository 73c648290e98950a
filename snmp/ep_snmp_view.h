/* EDGEPROBE-MIB's objects as the latest run fills them: every instance
 * the subagent answers for, with its value, sorted by OID, built by the
 * probe thread after each run and read by the agent thread for each GET
 * and GETNEXT (a lookup, never a probe).  Pure: no net-snmp here, so
 * that the unit tests read the same rows the NOC will. */
#ifndef EP_SNMP_VIEW_H
#define EP_SNMP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ep_check.h"
#include "ep_checklist.h"
#include "ep_err.h"
#include "ep_states.h"

/* The one place in the code that names the module's root, which the MIB
 * names once too: netSnmpExperimental.7422 (docs/snmp.md: why this arc). */
#define EP_MIB_ROOT 1, 3, 6, 1, 4, 1, 8072, 9999, 7422
#define EP_MIB_ROOT_LEN 9

typedef unsigned long ep_oid; /* net-snmp's oid */

extern const ep_oid ep_mib_root[EP_MIB_ROOT_LEN];

/* edgeProbeObjects: the subtree the subagent registers. */
#define EP_MIB_OBJECTS 1
/* Under edgeProbeObjects. */
#define EP_MIB_GENERAL 1
#define EP_MIB_NOTIFY 6
/* edgeProbeNotifications.edgeProbeStateChange */
#define EP_MIB_NOTIFICATIONS 0
#define EP_MIB_STATE_CHANGE 1

/* epGeneral's scalars. */
enum ep_mib_general {
  EP_MIB_VERSION = 1,
  EP_MIB_PROFILE,
  EP_MIB_OVERALL_STATE,
  EP_MIB_ROOT_CAUSE,
  EP_MIB_ROOT_CAUSE_CODE,
  EP_MIB_LAST_RUN,
  EP_MIB_LAST_RUN_DURATION,
  EP_MIB_RUNS,
  EP_MIB_INTERVAL
};

/* epNotify's objects. */
enum ep_mib_notify {
  EP_MIB_NOTIFY_CHECK = 1,
  EP_MIB_NOTIFY_TARGET,
  EP_MIB_NOTIFY_OLD_STATE,
  EP_MIB_NOTIFY_NEW_STATE,
  EP_MIB_NOTIFY_CAUSE
};

#define EP_MIB_OID_MAX (EP_MIB_ROOT_LEN + 6)
#define EP_MIB_TEXT_MAX 255 /* DisplayString */
#define EP_MIB_DATE_LEN 11  /* DateAndTime with its UTC offset */

enum ep_snmp_type {
  EP_SNMP_INTEGER,  /* INTEGER, Integer32, enumerations */
  EP_SNMP_UNSIGNED, /* Unsigned32 (a Gauge32 on the wire) */
  EP_SNMP_COUNTER,  /* Counter32 */
  EP_SNMP_OCTETS    /* DisplayString, DateAndTime */
};

struct ep_snmp_value {
  ep_oid            oid[EP_MIB_OID_MAX];
  size_t            oid_len;
  enum ep_snmp_type type;
  int64_t           number; /* within its type's range */
  char             *octets; /* EP_SNMP_OCTETS; not NUL-terminated */
  size_t            len;
};

struct ep_snmp_view {
  struct ep_snmp_value *v;
  size_t                n;
};

/* What a view is built from. */
struct ep_snmp_view_input {
  const char                   *version, *profile;
  double                        interval; /* s */
  uint32_t                      runs;     /* runs ended (Counter32) */
  /* NULL before the first run ends: */
  const struct ep_run_result   *run;
  const struct ep_checklist    *checklist;
  const struct ep_state_memory *states;
  /* When the last run could not happen: its reason, as the root cause. */
  const char                   *failure;
  /* The profile the run's checks came from: it says which checks need
   * each DNS row's name (epDnsNeededBy).  NULL: that column is absent. */
  const struct ep_profile      *source_profile;
};

/* Fills view (empty or freed) from in, sorted by OID.  EP_ENOMEM. */
enum ep_status ep_snmp_view_build(struct ep_snmp_view *view,
                                  const struct ep_snmp_view_input *in,
                                  struct ep_err *err);
void           ep_snmp_view_free(struct ep_snmp_view *view);

/* The instance named oid, or NULL. */
const struct ep_snmp_value *ep_snmp_view_get(const struct ep_snmp_view *view,
                                             const ep_oid *oid, size_t len);
/* The first instance after oid (or at it, when inclusive), or NULL. */
const struct ep_snmp_value *ep_snmp_view_next(const struct ep_snmp_view *view,
                                              const ep_oid *oid, size_t len,
                                              bool inclusive);

/* DateAndTime of a wall-clock time, in UTC: 11 octets into out. */
void ep_snmp_date(const struct timespec *t, unsigned char out[EP_MIB_DATE_LEN]);

/* The EdgeProbeCheck value of a check's name ("dns" 1 ... "machines" 5), or
 * 0 when unknown. */
int ep_snmp_check_number(const char *check);

/* text as a DisplayString (NVT ASCII, RFC 2579): at most 255 octets,
 * each octet outside printable ASCII as '?'.  Its length. */
size_t ep_snmp_text(const char *text, char out[EP_MIB_TEXT_MAX]);

/* Whether oid names an instance of an object of the MIB that the view
 * may lack (noSuchInstance), rather than no object at all
 * (noSuchObject). */
bool ep_snmp_is_object(const ep_oid *oid, size_t len);

#endif
