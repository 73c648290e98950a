#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "ep_time.h"
#include "uplink_cell.h"

#define MM_SERVICE    "org.freedesktop.ModemManager1"
#define MM_PATH       "/org/freedesktop/ModemManager1"
#define MM_MODEM      MM_SERVICE ".Modem"
#define MM_3GPP       MM_MODEM ".Modem3gpp"
#define MM_SIGNAL     MM_MODEM ".Signal"
#define DBUS_PROPS    "org.freedesktop.DBus.Properties"
#define DBUS_OM       "org.freedesktop.DBus.ObjectManager"
#define PORT_TYPE_NET 2 /* MM_MODEM_PORT_TYPE_NET */
/* Seconds between ModemManager's signal refreshes once we turned them
 * on: mmcli's usual choice, cheap for the modem. */
#define SIGNAL_RATE 5
/* A ModemManager that does not announce its first refresh (older ones
 * emit no PropertiesChanged for Modem.Signal) is asked again this often. */
#define SIGNAL_REGET 1.0
/* Messages dispatched per on_ready: a peer flooding signals must not hold
 * the caller's loop; sd-bus asks for an immediate wake-up for the rest. */
#define PROCESS_MAX 256

enum phase { PH_IDLE, PH_ASK, PH_SIGNAL, PH_DONE };

/* Modem.Signal's figures of one technology, each when reported. */
enum fig { FIG_RSRP, FIG_RSRQ, FIG_SINR, FIG_RSSI, FIG_N };
struct figures {
  bool   have[FIG_N];
  double v[FIG_N];
};

/* In order of preference: the first with any figure is reported (a 5G NSA
 * modem reports its LTE anchor too; the NR figures are the news). */
enum tech { T_NR5G, T_LTE, T_UMTS, T_GSM, T_CDMA, T_EVDO, T_N };
static const char *const tech_props[T_N] = {"Nr5g", "Lte",  "Umts",
                                            "Gsm",  "Cdma", "Evdo"};

/* One modem object while its interfaces are read, in whatever order the
 * peer sends them: the net port may come after the figures. */
struct modem {
  const char         *ifname;
  bool                is_modem, ours, path_cut, has_signal;
  unsigned            rate;
  char                manufacturer[EP_CELL_WORDS_MAX];
  struct ep_cell_info info;
  struct figures      fig[T_N];
};

struct ep_cell_query {
  char                ifname[64];
  char               *address;
  sd_bus             *bus;
  sd_bus_slot        *call, *match, *setup, *get;
  enum phase          phase;
  struct timespec     now, deadline, next_get;
  bool                found;
  struct modem        m;
  struct ep_cell_info info;
  enum ep_status      status;
  struct ep_err       err;
};

/* ---- Words. ---- */

const char *
ep_cell_state_words(int state)
{
  static const char *const words[] = {
    "unknown",    "initializing",  "locked",     "disabled",
    "disabling",  "enabling",      "enabled",    "searching",
    "registered", "disconnecting", "connecting", "connected"};

  if (state == -1)
    return "failed";
  if (state < 0 || (size_t)state >= sizeof words / sizeof words[0])
    return "unknown";
  return words[state];
}

const char *
ep_cell_registration_words(unsigned registration)
{
  static const char *const words[] = {"idle",
                                      "home",
                                      "searching",
                                      "denied",
                                      "unknown",
                                      "roaming",
                                      "home-sms-only",
                                      "roaming-sms-only",
                                      "emergency-only",
                                      "home-csfb-not-preferred",
                                      "roaming-csfb-not-preferred",
                                      "attached-rlos"};

  if (registration >= sizeof words / sizeof words[0])
    return "unknown";
  return words[registration];
}

char *
ep_cell_technology_words(unsigned bits, char *buf, size_t size)
{
  static const char *const names[] = {
    "POTS",  "GSM",   "GSM Compact", "GPRS",  "EDGE",      "UMTS",
    "HSDPA", "HSUPA", "HSPA",        "HSPA+", "1xRTT",     "EVDO0",
    "EVDOA", "EVDOB", "LTE",         "5GNR",  "LTE Cat-M", "LTE NB-IoT"};
  size_t len = 0, i, n;

  if (size == 0)
    return buf;
  buf[0] = '\0';
  for (i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(bits & (1u << i)))
      continue;
    n = strlen(names[i]) + (len ? 2 : 0);
    if (len + n >= size)
      continue;
    snprintf(buf + len, size - len, "%s%s", len ? ", " : "", names[i]);
    len += n;
  }
  return buf;
}

/* Copies at most size - 1 bytes of src without reading past them, so a
 * peer's megabyte string costs nothing, and without cutting a UTF-8
 * character in half. */
static void
copy_words(char *dst, size_t size, const char *src)
{
  size_t n = strnlen(src, size - 1);

  if (src[n] != '\0')
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
      n--;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* ---- Reading ModemManager's dictionaries. ---- */

typedef int (*prop_fn)(sd_bus_message *m, const char *name, void *ctx);

/* Reads one a{sv}, handing each value to fn, which consumes the variant.
 * Negative: the message broke its own signature. */
static int
read_props(sd_bus_message *m, prop_fn fn, void *ctx)
{
  const char *name;
  int         r;

  if ((r = sd_bus_message_enter_container(m, 'a', "{sv}")) <= 0)
    return r < 0 ? r : -EBADMSG;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    if ((r = sd_bus_message_read_basic(m, 's', &name)) < 0 ||
        (r = fn(m, name, ctx)) < 0 ||
        (r = sd_bus_message_exit_container(m)) < 0)
      return r;
  }
  if (r < 0)
    return r;
  return sd_bus_message_exit_container(m);
}

/* Enters the variant at m when it holds sig.  Any other type is skipped:
 * a newer ModemManager or a broken one must not cost the other values.
 * 1 entered, 0 skipped. */
static int
enter_variant(sd_bus_message *m, const char *sig)
{
  const char *contents = NULL;
  char        type;
  int         r;

  if ((r = sd_bus_message_peek_type(m, &type, &contents)) <= 0)
    return r < 0 ? r : -EBADMSG;
  if (type == 'v' && contents && strcmp(contents, sig) == 0)
    return sd_bus_message_enter_container(m, 'v', sig);
  r = sd_bus_message_skip(m, "v");
  return r < 0 ? r : 0;
}

static int
exit_variant(sd_bus_message *m)
{
  int r = sd_bus_message_exit_container(m);

  return r < 0 ? r : 1;
}

/* A basic value of type t from the variant at m into out; 0 when the
 * variant held another type (out untouched). */
static int
read_variant(sd_bus_message *m, char t, void *out)
{
  char sig[2] = {t, '\0'};
  int  r;

  if ((r = enter_variant(m, sig)) <= 0)
    return r;
  if ((r = sd_bus_message_read_basic(m, t, out)) < 0)
    return r;
  return exit_variant(m);
}

static int
read_string(sd_bus_message *m, char *dst, size_t size)
{
  const char *s;
  int         r;

  if ((r = read_variant(m, 's', &s)) > 0)
    copy_words(dst, size, s);
  return r;
}

static int
read_ports(sd_bus_message *m, struct modem *mo)
{
  const char *name;
  uint32_t    type;
  int         r;

  if ((r = enter_variant(m, "a(su)")) <= 0)
    return r;
  if ((r = sd_bus_message_enter_container(m, 'a', "(su)")) < 0)
    return r;
  while ((r = sd_bus_message_read(m, "(su)", &name, &type)) > 0)
    if (type == PORT_TYPE_NET && strcmp(name, mo->ifname) == 0)
      mo->ours = true;
  if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0)
    return r;
  return exit_variant(m);
}

static int
read_quality(sd_bus_message *m, struct modem *mo)
{
  uint32_t pct;
  int      recent, r;

  if ((r = enter_variant(m, "(ub)")) <= 0)
    return r;
  if ((r = sd_bus_message_read(m, "(ub)", &pct, &recent)) < 0)
    return r;
  mo->info.have_quality = pct <= 100;
  mo->info.quality_pct = pct <= 100 ? pct : 0;
  mo->info.quality_recent = recent != 0;
  return exit_variant(m);
}

static int
modem_prop(sd_bus_message *m, const char *name, void *ctx)
{
  struct modem *mo = ctx;
  int32_t       state;
  uint32_t      tech;
  int           r;

  if (strcmp(name, "Ports") == 0)
    return read_ports(m, mo);
  if (strcmp(name, "SignalQuality") == 0)
    return read_quality(m, mo);
  if (strcmp(name, "State") == 0) {
    if ((r = read_variant(m, 'i', &state)) > 0)
      mo->info.state = state;
    return r;
  }
  if (strcmp(name, "AccessTechnologies") == 0) {
    if ((r = read_variant(m, 'u', &tech)) > 0)
      mo->info.access_tech = tech;
    return r;
  }
  if (strcmp(name, "Model") == 0)
    return read_string(m, mo->info.model, sizeof mo->info.model);
  if (strcmp(name, "Manufacturer") == 0)
    return read_string(m, mo->manufacturer, sizeof mo->manufacturer);
  return sd_bus_message_skip(m, "v");
}

static int
gpp_prop(sd_bus_message *m, const char *name, void *ctx)
{
  struct modem *mo = ctx;
  uint32_t      reg;
  int           r;

  if (strcmp(name, "RegistrationState") == 0) {
    if ((r = read_variant(m, 'u', &reg)) > 0) {
      mo->info.have_registration = true;
      mo->info.registration = reg;
    }
    return r;
  }
  if (strcmp(name, "OperatorName") == 0)
    return read_string(m, mo->info.operator_name,
                       sizeof mo->info.operator_name);
  return sd_bus_message_skip(m, "v");
}

static int
figure_prop(sd_bus_message *m, const char *name, void *ctx)
{
  static const char *const keys[FIG_N] = {"rsrp", "rsrq", "snr", "rssi"};
  struct figures          *f = ctx;
  double                   v;
  int                      i, r;

  for (i = 0; i < FIG_N; i++)
    if (strcmp(name, keys[i]) == 0)
      break;
  if (i == FIG_N)
    return sd_bus_message_skip(m, "v");
  /* MM leaves out what it does not know; a NaN or -G_MAXDOUBLE from an
   * old one is not a reading either. */
  if ((r = read_variant(m, 'd', &v)) > 0 && isfinite(v) && fabs(v) < 1e6) {
    f->have[i] = true;
    f->v[i] = v;
  }
  return r;
}

static int
signal_prop(sd_bus_message *m, const char *name, void *ctx)
{
  struct modem *mo = ctx;
  int           t, r;

  if (strcmp(name, "Rate") == 0)
    return read_variant(m, 'u', &mo->rate);
  for (t = 0; t < T_N; t++) {
    if (strcmp(name, tech_props[t]) != 0)
      continue;
    if ((r = enter_variant(m, "a{sv}")) <= 0)
      return r;
    memset(&mo->fig[t], 0, sizeof mo->fig[t]);
    if ((r = read_props(m, figure_prop, &mo->fig[t])) < 0)
      return r;
    return exit_variant(m);
  }
  return sd_bus_message_skip(m, "v");
}

static int
read_interface(sd_bus_message *m, const char *iface, struct modem *mo)
{
  if (strcmp(iface, MM_MODEM) == 0) {
    mo->is_modem = true;
    return read_props(m, modem_prop, mo);
  }
  if (strcmp(iface, MM_3GPP) == 0)
    return read_props(m, gpp_prop, mo);
  if (strcmp(iface, MM_SIGNAL) == 0) {
    mo->has_signal = true;
    return read_props(m, signal_prop, mo);
  }
  return sd_bus_message_skip(m, "a{sv}");
}

/* One entry of GetManagedObjects' dict: an object and its interfaces. */
static int
read_object(sd_bus_message *m, struct modem *mo)
{
  const char *path, *iface;
  int         r;

  if ((r = sd_bus_message_read_basic(m, 'o', &path)) < 0)
    return r;
  copy_words(mo->info.path, sizeof mo->info.path, path);
  mo->path_cut = strcmp(mo->info.path, path) != 0;
  if ((r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}")) < 0)
    return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
    if ((r = sd_bus_message_read_basic(m, 's', &iface)) < 0 ||
        (r = read_interface(m, iface, mo)) < 0 ||
        (r = sd_bus_message_exit_container(m)) < 0)
      return r;
  }
  if (r < 0)
    return r;
  return sd_bus_message_exit_container(m);
}

static void
modem_init(struct modem *mo, const char *ifname)
{
  memset(mo, 0, sizeof *mo);
  mo->ifname = ifname;
}

/* The reply a{oa{sa{sv}}} up to the first modem whose net port is
 * ifname, into out: 1 found, 0 none.  One object's worth of scratch,
 * whatever the number of modems. */
static int
read_objects(sd_bus_message *m, const char *ifname, struct modem *out)
{
  struct modem mo;
  int          r;

  if ((r = sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}")) < 0)
    return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}")) > 0) {
    modem_init(&mo, ifname);
    if ((r = read_object(m, &mo)) < 0)
      return r;
    if (mo.is_modem && mo.ours) {
      *out = mo;
      return 1;
    }
    if ((r = sd_bus_message_exit_container(m)) < 0)
      return r;
  }
  return r < 0 ? r : 0;
}

static bool
fig_any(const struct figures *f)
{
  int i;

  for (i = 0; i < FIG_N; i++)
    if (f->have[i])
      return true;
  return false;
}

static bool
have_figures(const struct modem *mo)
{
  int t;

  for (t = 0; t < T_N; t++)
    if (fig_any(&mo->fig[t]))
      return true;
  return false;
}

/* What a modem read so far says, in the caller's terms. */
static void
modem_info(const struct modem *mo, struct ep_cell_info *out)
{
  const struct figures *f = NULL;
  int                   t;

  *out = mo->info;
  out->absence = EP_CELL_PRESENT;
  if (mo->manufacturer[0]) {
    size_t n;

    copy_words(out->model, sizeof out->model / 2, mo->manufacturer);
    n = strlen(out->model);
    if (mo->info.model[0]) {
      out->model[n++] = ' ';
      copy_words(out->model + n, sizeof out->model - n, mo->info.model);
    }
  }
  snprintf(out->state_words, sizeof out->state_words, "%s",
           ep_cell_state_words(mo->info.state));
  ep_cell_technology_words(mo->info.access_tech, out->technology,
                           sizeof out->technology);
  if (mo->info.have_registration)
    snprintf(out->registration_words, sizeof out->registration_words, "%s",
             ep_cell_registration_words(mo->info.registration));
  for (t = 0; t < T_N && !f; t++)
    if (fig_any(&mo->fig[t]))
      f = &mo->fig[t];
  if (!f)
    return;
  out->have_rsrp = f->have[FIG_RSRP];
  out->rsrp_dbm = f->have[FIG_RSRP] ? f->v[FIG_RSRP] : 0;
  out->have_rsrq = f->have[FIG_RSRQ];
  out->rsrq_db = f->have[FIG_RSRQ] ? f->v[FIG_RSRQ] : 0;
  out->have_sinr = f->have[FIG_SINR];
  out->sinr_db = f->have[FIG_SINR] ? f->v[FIG_SINR] : 0;
  out->have_rssi = f->have[FIG_RSSI];
  out->rssi_dbm = f->have[FIG_RSSI] ? f->v[FIG_RSSI] : 0;
}

/* ---- The query. ---- */

static void
drop_slots(struct ep_cell_query *q)
{
  q->call = sd_bus_slot_unref(q->call);
  q->match = sd_bus_slot_unref(q->match);
  q->setup = sd_bus_slot_unref(q->setup);
  q->get = sd_bus_slot_unref(q->get);
}

/* Ends the query with its finding in q->info. */
static enum ep_status
finish_ok(struct ep_cell_query *q)
{
  if (q->found)
    modem_info(&q->m, &q->info);
  q->phase = PH_DONE;
  q->status = EP_OK;
  drop_slots(q);
  return EP_OK;
}

static enum ep_status fail(struct ep_cell_query *q, enum ep_status status,
                           const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static enum ep_status
fail(struct ep_cell_query *q, enum ep_status status, const char *fmt, ...)
{
  char    msg[EP_ERR_MSG_MAX];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ep_err_set(&q->err, status, "%s", msg);
  if (q->found)
    modem_info(&q->m, &q->info);
  q->phase = PH_DONE;
  q->status = status;
  drop_slots(q);
  return status;
}

static enum ep_status
absent(struct ep_cell_query *q, enum ep_cell_absence why)
{
  q->found = false;
  memset(&q->info, 0, sizeof q->info);
  q->info.absence = why;
  return finish_ok(q);
}

/* The time left as sd-bus wants it: a call never outlives the query, and
 * 0 would mean sd-bus's own 25 s. */
static uint64_t
usec_left(const struct ep_cell_query *q)
{
  double s = ep_time_diff(q->deadline, q->now);

  return s > 1e-6 ? (uint64_t)(s * 1e6) : 1;
}

/* A method call to ModemManager that does not start it: a check must not
 * activate the service it checks. */
static int
call_async(struct ep_cell_query *q, sd_bus_slot **slot, const char *path,
           const char *iface, const char *member, sd_bus_message_handler_t cb,
           const char *types, ...)
{
  sd_bus_message *m = NULL;
  va_list         ap;
  int             r;

  r =
    sd_bus_message_new_method_call(q->bus, &m, MM_SERVICE, path, iface, member);
  if (r >= 0)
    r = sd_bus_message_set_auto_start(m, 0);
  if (r >= 0 && types) {
    va_start(ap, types);
    r = sd_bus_message_appendv(m, types, ap);
    va_end(ap);
  }
  if (r >= 0)
    r = sd_bus_call_async(q->bus, slot, m, cb, q, usec_left(q));
  sd_bus_message_unref(m);
  return r;
}

static int
on_signal_props(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  struct ep_cell_query *q = userdata;
  const char           *iface;

  (void)ret_error;
  if (q->phase != PH_SIGNAL || sd_bus_message_read_basic(m, 's', &iface) < 0 ||
      strcmp(iface, MM_SIGNAL) != 0)
    return 0;
  /* A malformed change is no reading; the deadline still ends the wait. */
  if (read_props(m, signal_prop, &q->m) >= 0 && have_figures(&q->m))
    finish_ok(q);
  return 0;
}

static int
on_get(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  struct ep_cell_query *q = userdata;

  (void)ret_error;
  q->get = sd_bus_slot_unref(q->get);
  if (q->phase != PH_SIGNAL || sd_bus_message_is_method_error(m, NULL))
    return 0;
  if (read_props(m, signal_prop, &q->m) >= 0 && have_figures(&q->m))
    finish_ok(q);
  return 0;
}

static int
on_setup(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  struct ep_cell_query *q = userdata;

  (void)ret_error;
  q->setup = sd_bus_slot_unref(q->setup);
  /* A modem that refuses the refresh will not send figures: no use
   * waiting for them until the deadline. */
  if (q->phase == PH_SIGNAL && sd_bus_message_is_method_error(m, NULL))
    finish_ok(q);
  return 0;
}

/* A failed AddMatch must not close the connection (sd-bus's answer when
 * no install callback is given): asking again each second still works. */
static int
on_match_added(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  (void)m;
  (void)userdata;
  (void)ret_error;
  return 0;
}

/* Modem.Signal is off (Rate 0): turn its refresh on and wait for the
 * first figures, announced by PropertiesChanged or found by asking again. */
static void
start_signal(struct ep_cell_query *q, const char *sender)
{
  memset(q->m.fig, 0, sizeof q->m.fig);
  q->m.info.signal_setup = true;
  q->phase = PH_SIGNAL;
  q->next_get = ep_time_add(q->now, SIGNAL_REGET);
  /* The match goes out before Setup, so the bus has it before the
   * modem's first refresh can be announced. */
  if (sd_bus_match_signal_async(q->bus, &q->match, sender, q->m.info.path,
                                DBUS_PROPS, "PropertiesChanged",
                                on_signal_props, on_match_added, q) < 0)
    q->match = NULL;
  if (call_async(q, &q->setup, q->m.info.path, MM_SIGNAL, "Setup", on_setup,
                 "u", (uint32_t)SIGNAL_RATE) < 0)
    finish_ok(q);
}

static void
objects_failed(struct ep_cell_query *q, const sd_bus_error *e)
{
  if (sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN,
                             SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
    absent(q, EP_CELL_NO_MANAGER);
  } else if (sd_bus_error_has_names(e, SD_BUS_ERROR_NO_REPLY,
                                    SD_BUS_ERROR_TIMEOUT) &&
             ep_time_reached(ep_time_now(), q->deadline)) {
    /* sd-bus says NoReply for its own timeout, which is our deadline. */
    fail(q, EP_ETIMEOUT, "ModemManager did not answer in time");
  } else if (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY)) {
    /* Before the deadline: the connection ended (sd-bus answers every
     * pending call), or ModemManager left the bus without answering (the
     * bus daemon answers for it).  Either way nothing is there to ask. */
    absent(q, sd_bus_is_open(q->bus) > 0 ? EP_CELL_NO_MANAGER : EP_CELL_NO_BUS);
  } else {
    fail(q, EP_EPROTO, "ModemManager's reply did not parse: %s: %s",
         e->name ? e->name : "error", e->message ? e->message : "");
  }
}

static int
on_objects(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
  struct ep_cell_query *q = userdata;
  const sd_bus_error   *e = sd_bus_message_get_error(m);
  int                   r;

  (void)ret_error;
  q->call = sd_bus_slot_unref(q->call);
  if (q->phase != PH_ASK)
    return 0;
  if (e) {
    objects_failed(q, e);
    return 0;
  }
  if ((r = read_objects(m, q->ifname, &q->m)) < 0) {
    fail(q, EP_EPROTO, "ModemManager's reply did not parse: %s",
         ep_strerror(-r).text);
    return 0;
  }
  if (r == 0) {
    absent(q, EP_CELL_NO_MODEM);
    return 0;
  }
  q->found = true;
  if (q->m.has_signal && q->m.rate == 0 && !q->m.path_cut)
    start_signal(q, sd_bus_message_get_sender(m));
  else
    finish_ok(q);
  return 0;
}

struct ep_cell_query *
ep_cell_query_new(const char *ifname, const char *address, struct ep_err *err)
{
  struct ep_cell_query *q = calloc(1, sizeof *q);

  if (!q || (address && !(q->address = strdup(address)))) {
    free(q);
    ep_err_set(err, EP_ENOMEM, "out of memory");
    return NULL;
  }
  copy_words(q->ifname, sizeof q->ifname, ifname ? ifname : "");
  return q;
}

void
ep_cell_query_free(struct ep_cell_query *q)
{
  if (!q)
    return;
  drop_slots(q);
  sd_bus_close_unref(q->bus);
  free(q->address);
  free(q);
}

static int
open_bus(struct ep_cell_query *q)
{
  int r;

  if (!q->address)
    return sd_bus_open_system(&q->bus);
  if ((r = sd_bus_new(&q->bus)) < 0)
    return r;
  if ((r = sd_bus_set_address(q->bus, q->address)) < 0 ||
      (r = sd_bus_set_bus_client(q->bus, 1)) < 0)
    return r;
  return sd_bus_start(q->bus);
}

enum ep_status
ep_cell_query_start(struct ep_cell_query *q, struct timespec now,
                    struct timespec deadline)
{
  int r;

  q->now = now;
  q->deadline = deadline;
  q->phase = PH_ASK;
  r = open_bus(q);
  /* No socket, or nobody listening on it: a gateway without D-Bus. */
  if (r == -ENOENT || r == -ECONNREFUSED)
    return absent(q, EP_CELL_NO_BUS);
  if (r < 0)
    return fail(q, r == -ENOMEM ? EP_ENOMEM : EP_ESYS,
                "cannot connect to the system bus: %s", ep_strerror(-r).text);
  r = call_async(q, &q->call, MM_PATH, DBUS_OM, "GetManagedObjects", on_objects,
                 NULL);
  if (r < 0)
    return fail(q, r == -ENOMEM ? EP_ENOMEM : EP_ESYS,
                "cannot ask ModemManager: %s", ep_strerror(-r).text);
  return EP_OK;
}

static struct timespec
from_usec(uint64_t usec)
{
  struct timespec ts;

  ts.tv_sec = (time_t)(usec / 1000000u);
  ts.tv_nsec = (long)(usec % 1000000u) * 1000L;
  return ts;
}

enum ep_status
ep_cell_query_pollset(const struct ep_cell_query *q, struct ep_pollset *ps)
{
  uint64_t usec;
  int      fd, events;

  if (q->phase == PH_IDLE || q->phase == PH_DONE)
    return EP_OK;
  fd = sd_bus_get_fd(q->bus);
  events = sd_bus_get_events(q->bus);
  if (fd < 0 || events < 0)
    ep_pollset_wake_at(ps, q->now); /* broken: on_ready ends it */
  else if (ep_pollset_add(ps, fd, (short)events) != EP_OK)
    return EP_ENOMEM;
  /* sd-bus's timeouts (authentication, replies) are CLOCK_MONOTONIC, as
   * ep_time is. */
  if (sd_bus_get_timeout(q->bus, &usec) > 0 && usec != UINT64_MAX)
    ep_pollset_wake_at(ps, from_usec(usec));
  ep_pollset_wake_at(ps, q->deadline);
  if (q->phase == PH_SIGNAL && !q->get)
    ep_pollset_wake_at(ps, q->next_get);
  return EP_OK;
}

static void
ask_signal_again(struct ep_cell_query *q)
{
  q->next_get = ep_time_add(q->now, SIGNAL_REGET);
  if (call_async(q, &q->get, q->m.info.path, DBUS_PROPS, "GetAll", on_get, "s",
                 MM_SIGNAL) < 0)
    q->get = NULL;
}

void
ep_cell_query_on_ready(struct ep_cell_query *q, const struct ep_pollset *ps,
                       struct timespec now)
{
  int r, n = 0;

  (void)ps; /* sd-bus reads without blocking whatever poll said */
  if (q->phase == PH_IDLE || q->phase == PH_DONE)
    return;
  q->now = now;
  do
    r = sd_bus_process(q->bus, NULL);
  while (r > 0 && q->phase != PH_DONE && ++n < PROCESS_MAX);
  if (q->phase == PH_DONE)
    return;
  if (r < 0) {
    /* The connection is gone with nothing left to answer for. */
    if (q->phase == PH_SIGNAL)
      finish_ok(q);
    else
      absent(q, EP_CELL_NO_BUS);
  } else if (ep_time_reached(now, q->deadline)) {
    /* Figures that did not come in time leave the rest of the finding. */
    if (q->phase == PH_SIGNAL)
      finish_ok(q);
    else
      fail(q, EP_ETIMEOUT, "ModemManager did not answer in time");
  } else if (q->phase == PH_SIGNAL && !q->get &&
             ep_time_reached(now, q->next_get)) {
    ask_signal_again(q);
  }
}

bool
ep_cell_query_done(const struct ep_cell_query *q)
{
  return q->phase == PH_DONE;
}

enum ep_status
ep_cell_query_result(const struct ep_cell_query *q, struct ep_cell_info *out,
                     struct ep_err *err)
{
  switch (q->phase) {
    case PH_IDLE:
      memset(out, 0, sizeof *out);
      return ep_err_set(err, EP_EINVAL, "the modem query was not started");
    case PH_ASK:
      *out = q->info;
      return ep_err_set(err, EP_ETIMEOUT,
                        "ModemManager did not answer in time");
    case PH_SIGNAL:
      /* Asked before the deadline ended the wait for the figures. */
      modem_info(&q->m, out);
      return EP_OK;
    case PH_DONE:
    default:
      break;
  }
  *out = q->info;
  if (q->status != EP_OK)
    return ep_err_set(err, q->status, "%s", q->err.msg);
  return EP_OK;
}
