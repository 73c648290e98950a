/* ep-snmp-getter: COUNT SNMPv2c GETs of one OID, one after another, each
 * timed from its send to its response; prints the median, the maximum,
 * the failures and the 99th percentile, so that a test can bound how long
 * the subagent takes to answer while its probes wait (snmpget's own
 * start-up would swamp a millisecond). */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int
by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
now(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
  netsnmp_session session, *ss;
  oid             name[MAX_OID_LEN];
  size_t          name_len = MAX_OID_LEN;
  double         *took;
  long            count, i, failures = 0;

  if (argc != 5 || (count = strtol(argv[4], NULL, 10)) < 1) {
    fprintf(stderr, "usage: %s HOST COMMUNITY NUMERIC-OID COUNT\n", argv[0]);
    return 2;
  }
  setenv("MIBS", "", 1);
  init_snmp("ep-snmp-getter");
  snmp_sess_init(&session);
  session.peername = argv[1];
  session.version = SNMP_VERSION_2c;
  session.community = (u_char *)argv[2];
  session.community_len = strlen(argv[2]);
  session.timeout = 10000000; /* us: longer than any deadline measured */
  session.retries = 0;
  if (!read_objid(argv[3], name, &name_len) || !(ss = snmp_open(&session))) {
    fprintf(stderr, "%s: cannot set up (%s)\n", argv[0], argv[3]);
    return 2;
  }
  took = calloc((size_t)count, sizeof *took);
  for (i = 0; took && i < count; i++) {
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *response = NULL;
    double       start;
    int          status;

    snmp_add_null_var(pdu, name, name_len);
    start = now();
    status = snmp_synch_response(ss, pdu, &response);
    took[i] = now() - start;
    if (status != STAT_SUCCESS || !response ||
        response->errstat != SNMP_ERR_NOERROR ||
        response->variables->type == SNMP_NOSUCHINSTANCE ||
        response->variables->type == SNMP_NOSUCHOBJECT)
      failures++;
    if (response)
      snmp_free_pdu(response);
  }
  if (!took)
    return 2;
  qsort(took, (size_t)count, sizeof *took, by_value);
  /* The 99th percentile last, so that the fields before it keep their
   * places for the scripts that read them. */
  printf("gets %ld median %.6f max %.6f failures %ld p99 %.6f\n", count,
         took[count / 2], took[count - 1], failures,
         took[(count * 99 + 99) / 100 - 1]);
  free(took);
  snmp_close(ss);
  snmp_shutdown("ep-snmp-getter");
  return failures ? 1 : 0;
}
