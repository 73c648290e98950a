/* A cellular uplink as ModemManager tells it, over D-Bus (sd-bus from
 * libsystemd: its connection is one more descriptor of the run's loop,
 * where libmm-glib would bring a GLib main loop of its own).  Which modem
 * owns the interface (its net port), its state and registration, the
 * access technology and operator, and its signal: the quality in per cent
 * and, from Modem.Signal, RSRP / RSRQ / SINR (LTE, 5G) or RSSI, after
 * setting up the refresh rate those need when it is off. */
#ifndef UPLINK_CELL_H
#define UPLINK_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "ep_err.h"
#include "ep_pollset.h"

#define EP_CELL_WORDS_MAX 64

/* Why no modem could be asked; none of them is an error of the check. */
enum ep_cell_absence {
  EP_CELL_PRESENT = 0,   /* ModemManager answered */
  EP_CELL_NO_BUS,        /* no system bus to connect to */
  EP_CELL_NO_MANAGER,    /* the bus has no ModemManager */
  EP_CELL_NO_MODEM       /* ModemManager knows no modem with that port */
};

struct ep_cell_info {
  enum ep_cell_absence absence;
  char path[96];          /* "/org/freedesktop/ModemManager1/Modem/0" */
  char model[EP_CELL_WORDS_MAX]; /* "Sierra Wireless EM7455", "" */
  int  state;             /* MMModemState: -1 failed .. 11 connected */
  char state_words[24];   /* "connected", "searching", "failed" */
  unsigned access_tech;   /* MMModemAccessTechnology bits */
  char technology[EP_CELL_WORDS_MAX]; /* "LTE", "5GNR", "UMTS, HSPA", "" */
  bool have_registration;
  unsigned registration;  /* MMModem3gppRegistrationState */
  /* "home", "roaming", "denied", ... "roaming-csfb-not-preferred" */
  char registration_words[32];
  char operator_name[EP_CELL_WORDS_MAX];
  bool have_quality;
  unsigned quality_pct;   /* SignalQuality, 0..100 */
  bool quality_recent;
  /* Modem.Signal's figures, each when the modem reports it. */
  bool have_rsrp, have_rsrq, have_sinr, have_rssi;
  double rsrp_dbm, rsrq_db, sinr_db, rssi_dbm;
  /* Modem.Signal's rate was 0 and this query set it up: the figures
   * may have arrived in time or not. */
  bool signal_setup;
};

/* How a query reaches the system bus: sd_bus_open_system() when NULL
 * (which honours DBUS_SYSTEM_BUS_ADDRESS), else this address ("unix:path=
 * /run/...").  */
struct ep_cell_query;

/* A query for the modem whose net port is ifname ("wwan0"), on the bus
 * at address (NULL: the system bus).  NULL with err set only when out of
 * memory: a bus that is not there is a finding (EP_CELL_NO_BUS). */
struct ep_cell_query *ep_cell_query_new(const char *ifname,
                                        const char *address,
                                        struct ep_err *err);
void                  ep_cell_query_free(struct ep_cell_query *q);

/* Connects and asks ModemManager for its objects; every later call is
 * asynchronous, bounded by deadline. */
enum ep_status ep_cell_query_start(struct ep_cell_query *q,
                                   struct timespec now,
                                   struct timespec deadline);
enum ep_status ep_cell_query_pollset(const struct ep_cell_query *q,
                                     struct ep_pollset *ps);
void ep_cell_query_on_ready(struct ep_cell_query *q,
                            const struct ep_pollset *ps, struct timespec now);
bool ep_cell_query_done(const struct ep_cell_query *q);

/* What it learnt into out.  EP_OK: out holds the modem, or why there is
 * none (out->absence).  EP_ETIMEOUT "ModemManager did not answer in
 * time" (a peer that never answers), EP_EPROTO "ModemManager's reply did
 * not parse: ..." with out as far as it got. */
enum ep_status ep_cell_query_result(const struct ep_cell_query *q,
                                    struct ep_cell_info *out,
                                    struct ep_err *err);

/* The words for ModemManager's numbers, as mmcli writes them; pure, for
 * the report and the tests.  A number MM may add later reads "unknown". */
const char *ep_cell_state_words(int state);
const char *ep_cell_registration_words(unsigned registration);

/* MMModemAccessTechnology bits as "UMTS, HSPA" into buf (always
 * terminated); names that would not fit whole are left out, unknown bits
 * skipped, 0 is "".  Returns buf. */
char *ep_cell_technology_words(unsigned bits, char *buf, size_t size);

#endif
