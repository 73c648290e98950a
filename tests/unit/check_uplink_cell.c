/* Unit tests for uplink_cell: the real query, driven by a small poll loop
 * over its pollset, against a mock ModemManager
 * (tests/servers/ep-mock-modemmanager.py) on a private dbus-daemon that
 * each test starts and stops.  Neither may be missing: a test that cannot
 * start them fails, it does not skip. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ep_time.h"
#include "ep_unit.h"
#include "uplink_cell.h"

#define LINE_MAX_ 512
#define ARGS_MAX  24

static struct {
  char  dir[64];
  char  address[LINE_MAX_];
  pid_t daemon, mock;
} fx;

/* ---- Fixture: a private system-like bus. ---- */

/* Runs argv (quiet: its stderr to /dev/null) with its stdout on a pipe
 * and reads its first line into line:
 * how both dbus-daemon (its address) and the mock (READY) say they are
 * up.  The child's pid, or -1 with line empty when no line came in
 * seconds. */
static pid_t
spawn_line(char *const argv[], bool quiet, char *line, size_t size,
           double seconds)
{
  struct timespec t0 = ep_time_now();
  size_t          len = 0;
  int             fds[2];
  pid_t           pid;

  line[0] = '\0';
  ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
  if ((pid = fork()) == 0) {
    int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

    dup2(fds[1], STDOUT_FILENO);
    /* dbus-daemon's complaint that it may not raise its fd limit */
    if (quiet && null >= 0)
      dup2(null, STDERR_FILENO);
    execv(argv[0], argv);
    _exit(127);
  }
  ck_assert_int_gt(pid, 0);
  close(fds[1]);
  while (len + 1 < size && !memchr(line, '\n', len)) {
    struct pollfd p = {fds[0], POLLIN, 0};
    int ms = ep_time_ms_until(ep_time_now(), ep_time_add(t0, seconds), 1000);
    ssize_t got;

    if (ms == 0 || poll(&p, 1, ms) < 0)
      break;
    if (p.revents == 0)
      continue;
    if ((got = read(fds[0], line + len, size - 1 - len)) <= 0)
      break;
    len += (size_t)got;
    line[len] = '\0';
  }
  close(fds[0]);
  if (!memchr(line, '\n', len)) {
    line[0] = '\0';
    return -1;
  }
  line[strcspn(line, "\n")] = '\0';
  return pid;
}

static void
stop(pid_t *pid, int sig)
{
  if (*pid > 0) {
    kill(*pid, sig);
    waitpid(*pid, NULL, 0);
  }
  *pid = -1;
}

static void
write_config(const char *path)
{
  FILE *f = fopen(path, "w");

  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
          "Configuration 1.0//EN\"\n"
          " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
          "<busconfig>\n  <type>system</type>\n"
          "  <listen>unix:path=%s/system_bus_socket</listen>\n"
          "  <auth>EXTERNAL</auth>\n  <policy context=\"default\">\n"
          "    <allow user=\"*\"/>\n    <allow own=\"*\"/>\n"
          "    <allow send_type=\"method_call\"/>\n"
          "    <allow send_type=\"signal\"/>\n"
          "    <allow send_type=\"method_return\"/>\n"
          "    <allow send_type=\"error\"/>\n"
          "    <allow receive_type=\"method_call\"/>\n"
          "    <allow receive_type=\"signal\"/>\n"
          "    <allow receive_type=\"method_return\"/>\n"
          "    <allow receive_type=\"error\"/>\n  </policy>\n</busconfig>\n",
          fx.dir);
  ck_assert_int_eq(fclose(f), 0);
}

static void
bus_up(void)
{
  char  conf[128], opt[160];
  char *argv[] = {"/usr/bin/dbus-daemon", opt, "--nofork", "--print-address=1",
                  NULL};

  fx.mock = fx.daemon = -1;
  snprintf(fx.dir, sizeof fx.dir, "/tmp/ep-cell-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(fx.dir));
  snprintf(conf, sizeof conf, "%s/bus.conf", fx.dir);
  write_config(conf);
  snprintf(opt, sizeof opt, "--config-file=%s", conf);
  fx.daemon = spawn_line(argv, true, fx.address, sizeof fx.address, 10);
  ck_assert_msg(fx.daemon > 0 && strncmp(fx.address, "unix:", 5) == 0,
                "dbus-daemon did not start (Debian: dbus-daemon)");
  ck_assert_int_eq(setenv("DBUS_SYSTEM_BUS_ADDRESS", fx.address, 1), 0);
}

static void
bus_down(void)
{
  char path[128];

  stop(&fx.mock, SIGKILL);
  stop(&fx.daemon, SIGTERM);
  snprintf(path, sizeof path, "%s/bus.conf", fx.dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/system_bus_socket", fx.dir);
  unlink(path);
  rmdir(fx.dir);
  unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

/* Starts the mock with the options given (MOCK("--state", "failed")). */
static void
mock_up(const char *const *opts)
{
  const char *srcdir = getenv("EP_SRCDIR");
  char        script[512], line[LINE_MAX_];
  char       *argv[ARGS_MAX];
  size_t      n = 0;

  snprintf(script, sizeof script, "%s/tests/servers/ep-mock-modemmanager.py",
           srcdir && *srcdir ? srcdir : EP_TOP_SRCDIR);
  argv[n++] = "/usr/bin/python3";
  argv[n++] = script;
  for (; *opts && n + 1 < ARGS_MAX; opts++)
    argv[n++] = (char *)*opts;
  argv[n] = NULL;
  fx.mock = spawn_line(argv, false, line, sizeof line, 20);
  ck_assert_msg(fx.mock > 0 && strcmp(line, "READY") == 0,
                "the mock ModemManager did not start: %s (python3-dbusmock)",
                script);
}

#define MOCK(...) mock_up((const char *const[]){__VA_ARGS__, NULL})

/* ---- Driving a query. ---- */

struct run {
  const char         *ifname, *address;
  double              seconds;
  double              kill_after; /* > 0: SIGKILL *victim then */
  pid_t              *victim;
  struct ep_cell_info info;
  struct ep_err       err;
  double              took;
};

static enum ep_status
run_query(struct run *r)
{
  struct ep_cell_query *q;
  struct ep_pollset     ps;
  struct timespec       t0 = ep_time_now(), now;
  enum ep_status        st;

  ep_err_clear(&r->err);
  q = ep_cell_query_new(r->ifname ? r->ifname : "wwan0", r->address, &r->err);
  ck_assert_ptr_nonnull(q);
  ep_pollset_init(&ps);
  ep_cell_query_start(q, t0, ep_time_add(t0, r->seconds));
  while (!ep_cell_query_done(q)) {
    int ms;

    now = ep_time_now();
    ck_assert_msg(ep_time_diff(now, t0) < r->seconds + 5,
                  "the query outlived its deadline by 5 s");
    if (r->kill_after > 0 && ep_time_diff(now, t0) >= r->kill_after)
      stop(r->victim, SIGKILL);
    ep_pollset_reset(&ps);
    ck_assert_int_eq(ep_cell_query_pollset(q, &ps), EP_OK);
    ck_assert_msg(ps.has_wake, "a running query must ask for a wake-up");
    ms = ep_time_ms_until(now, ps.wake, 1000);
    if (r->kill_after > 0 && *r->victim > 0 && ms > 20)
      ms = 20;
    ck_assert_int_ge(poll(ps.fds, ps.n, ms), 0);
    ep_cell_query_on_ready(q, &ps, ep_time_now());
  }
  r->took = ep_time_diff(ep_time_now(), t0);
  st = ep_cell_query_result(q, &r->info, &r->err);
  ep_cell_query_free(q);
  ep_pollset_cleanup(&ps);
  return st;
}

static void
no_figures(const struct ep_cell_info *i)
{
  ck_assert(!i->have_rsrp && !i->have_rsrq && !i->have_sinr && !i->have_rssi);
}

/* ---- The states. ---- */

START_TEST(connected_lte)
{
  struct run r = {.seconds = 5};

  MOCK("--port", "wwan0", "--state", "connected", "--tech", "lte", "--operator",
       "Telekom.de", "--registration", "home", "--quality", "71", "--rsrp",
       "-95", "--rsrq", "-11", "--sinr", "8", "--rssi", "-65");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_PRESENT);
  ck_assert_str_eq(r.info.path, "/org/freedesktop/ModemManager1/Modem/0");
  ck_assert_str_eq(r.info.model, "Sierra Wireless EM7455");
  ck_assert_int_eq(r.info.state, 11);
  ck_assert_str_eq(r.info.state_words, "connected");
  ck_assert_uint_eq(r.info.access_tech, 1u << 14);
  ck_assert_str_eq(r.info.technology, "LTE");
  ck_assert(r.info.have_registration);
  ck_assert_uint_eq(r.info.registration, 1);
  ck_assert_str_eq(r.info.registration_words, "home");
  ck_assert_str_eq(r.info.operator_name, "Telekom.de");
  ck_assert(r.info.have_quality && r.info.quality_recent);
  ck_assert_uint_eq(r.info.quality_pct, 71);
  ck_assert(r.info.have_rsrp && r.info.have_rsrq && r.info.have_sinr);
  ck_assert_double_eq(r.info.rsrp_dbm, -95);
  ck_assert_double_eq(r.info.rsrq_db, -11);
  ck_assert_double_eq(r.info.sinr_db, 8);
  ck_assert(r.info.have_rssi);
  ck_assert_double_eq(r.info.rssi_dbm, -65);
  ck_assert(!r.info.signal_setup);
  ck_assert_double_lt(r.took, 2);
}
END_TEST

START_TEST(address_given)
{
  struct run r = {.seconds = 5, .address = fx.address};

  MOCK("--operator", "Vodafone.de", "--registration", "roaming", "--rsrp",
       "-110");
  /* The address wins over the environment's. */
  ck_assert_int_eq(setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nowhere", 1),
                   0);
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_PRESENT);
  ck_assert_str_eq(r.info.operator_name, "Vodafone.de");
  ck_assert_str_eq(r.info.registration_words, "roaming");
  ck_assert(r.info.have_rsrp && !r.info.have_rsrq && !r.info.have_sinr);
  ck_assert_double_eq(r.info.rsrp_dbm, -110);
}
END_TEST

START_TEST(rate0_announced)
{
  struct run r = {.seconds = 5};

  MOCK("--rate0", "announce", "--rsrp", "-101", "--rsrq", "-13", "--sinr", "4");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert(r.info.signal_setup);
  ck_assert(r.info.have_rsrp && r.info.have_rsrq && r.info.have_sinr);
  ck_assert_double_eq(r.info.rsrp_dbm, -101);
  ck_assert_double_eq(r.info.rsrq_db, -13);
  ck_assert_double_eq(r.info.sinr_db, 4);
  ck_assert_str_eq(r.info.state_words, "connected");
  /* PropertiesChanged (0.3 s), not the asking again after 1 s. */
  ck_assert_double_lt(r.took, 0.9);
}
END_TEST

START_TEST(rate0_quiet)
{
  struct run r = {.seconds = 5};

  MOCK("--rate0", "quiet", "--rsrp", "-99");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert(r.info.signal_setup);
  ck_assert(r.info.have_rsrp);
  ck_assert_double_eq(r.info.rsrp_dbm, -99);
  /* Found by GetAll a second after Setup. */
  ck_assert_double_ge(r.took, 0.9);
  ck_assert_double_lt(r.took, 3);
}
END_TEST

START_TEST(rate0_never)
{
  struct run r = {.seconds = 1.5};

  MOCK("--rate0", "never", "--rsrp", "-99", "--operator", "o2 - de");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert(r.info.signal_setup);
  no_figures(&r.info);
  ck_assert_str_eq(r.info.operator_name, "o2 - de");
  ck_assert_int_eq(r.info.state, 11);
  ck_assert_double_ge(r.took, 1.4);
  ck_assert_double_lt(r.took, 3);
}
END_TEST

START_TEST(rate0_refused)
{
  struct run r = {.seconds = 5};

  MOCK("--rate0", "refuse", "--rsrp", "-99");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert(r.info.signal_setup);
  no_figures(&r.info);
  ck_assert_uint_eq(r.info.quality_pct, 71);
  ck_assert_double_lt(r.took, 1);
}
END_TEST

START_TEST(umts_rssi)
{
  struct run r = {.seconds = 5};

  MOCK("--tech", "hspa", "--rssi", "-71", "--ecio", "-7", "--rscp", "-90");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_str_eq(r.info.technology, "UMTS, HSPA");
  ck_assert(r.info.have_rssi);
  ck_assert_double_eq(r.info.rssi_dbm, -71);
  ck_assert(!r.info.have_rsrp && !r.info.have_rsrq && !r.info.have_sinr);
}
END_TEST

START_TEST(gsm_rssi)
{
  struct run r = {.seconds = 5};

  MOCK("--tech", "gsm", "--rssi", "-83");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_str_eq(r.info.technology, "GSM");
  ck_assert(r.info.have_rssi && !r.info.have_rsrp);
  ck_assert_double_eq(r.info.rssi_dbm, -83);
}
END_TEST

START_TEST(nr5g)
{
  struct run r = {.seconds = 5};

  MOCK("--tech", "5g", "--rsrp", "-88", "--rsrq", "-10", "--sinr", "15");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_uint_eq(r.info.access_tech, (1u << 14) | (1u << 15));
  ck_assert_str_eq(r.info.technology, "LTE, 5GNR");
  ck_assert(r.info.have_rsrp && r.info.have_rsrq && r.info.have_sinr);
  ck_assert_double_eq(r.info.rsrp_dbm, -88);
  ck_assert_double_eq(r.info.rsrq_db, -10);
  ck_assert_double_eq(r.info.sinr_db, 15);
  ck_assert(!r.info.have_rssi);
}
END_TEST

/* A state and registration pair as the mock sets them. */
static void
check_state(const char *state, const char *reg, int want_state,
            unsigned want_reg)
{
  struct run r = {.seconds = 5};

  MOCK("--state", state, "--registration", reg, "--rsrp", "-120");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_PRESENT);
  ck_assert_int_eq(r.info.state, want_state);
  ck_assert_str_eq(r.info.state_words, state);
  ck_assert(r.info.have_registration);
  ck_assert_uint_eq(r.info.registration, want_reg);
  ck_assert_str_eq(r.info.registration_words, reg);
}

START_TEST(searching)
{
  check_state("searching", "searching", 7, 2);
}
END_TEST

START_TEST(denied)
{
  check_state("enabled", "denied", 6, 3);
}
END_TEST

START_TEST(disabled)
{
  check_state("disabled", "idle", 3, 0);
}
END_TEST

START_TEST(state_failed)
{
  struct run r = {.seconds = 5};

  MOCK("--state", "failed", "--tech", "none", "--no-3gpp", "--no-signal");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_PRESENT);
  ck_assert_int_eq(r.info.state, -1);
  ck_assert_str_eq(r.info.state_words, "failed");
  ck_assert_str_eq(r.info.technology, "");
  ck_assert(!r.info.have_registration);
  ck_assert_str_eq(r.info.registration_words, "");
  ck_assert_str_eq(r.info.operator_name, "");
  no_figures(&r.info);
}
END_TEST

START_TEST(no_signal_interface)
{
  struct run r = {.seconds = 5};

  MOCK("--no-signal", "--quality", "40");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert(!r.info.signal_setup);
  no_figures(&r.info);
  ck_assert(r.info.have_quality);
  ck_assert_uint_eq(r.info.quality_pct, 40);
  ck_assert_str_eq(r.info.state_words, "connected");
}
END_TEST

START_TEST(other_port)
{
  struct run r = {.seconds = 5, .ifname = "wwan0"};

  MOCK("--port", "wwan1");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_MODEM);
  ck_assert_str_eq(r.info.path, "");
  /* An AT or QMI port of that name is not the net port. */
  r.ifname = "ttyUSB2";
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_MODEM);
}
END_TEST

START_TEST(second_modem)
{
  struct run r = {.seconds = 5, .ifname = "wwan1"};

  MOCK("--port", "wwan0", "--second-modem", "wwan1");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_PRESENT);
  ck_assert_str_eq(r.info.path, "/org/freedesktop/ModemManager1/Modem/1");
  ck_assert_str_eq(r.info.operator_name, "Second");
  r.ifname = "wwan0";
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_str_eq(r.info.path, "/org/freedesktop/ModemManager1/Modem/0");
  ck_assert_str_eq(r.info.operator_name, "Telekom.de");
}
END_TEST

START_TEST(no_modem)
{
  struct run r = {.seconds = 5};

  MOCK("--no-modem");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_MODEM);
}
END_TEST

START_TEST(no_manager)
{
  struct run r = {.seconds = 5};

  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_MANAGER);
  ck_assert_str_eq(r.info.state_words, "");
  ck_assert_double_lt(r.took, 1);
}
END_TEST

START_TEST(no_bus)
{
  char       nowhere[160];
  struct run r = {.seconds = 5, .address = nowhere};

  snprintf(nowhere, sizeof nowhere, "unix:path=%s/no_such_socket", fx.dir);
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_BUS);
  ck_assert_double_lt(r.took, 1);
  /* The system bus of the environment, just as absent. */
  r.address = NULL;
  ck_assert_int_eq(setenv("DBUS_SYSTEM_BUS_ADDRESS", nowhere, 1), 0);
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_BUS);
}
END_TEST

START_TEST(silent_peer)
{
  struct run r = {.seconds = 1.5};

  MOCK("--silent");
  ck_assert_int_eq(run_query(&r), EP_ETIMEOUT);
  ck_assert_int_eq(r.err.code, EP_ETIMEOUT);
  ck_assert_str_eq(r.err.msg, "ModemManager did not answer in time");
  ck_assert_double_ge(r.took, 1.45);
  ck_assert_double_lt(r.took, 2.5);
}
END_TEST

START_TEST(peer_vanishes)
{
  struct run r = {.seconds = 5, .kill_after = 0.3, .victim = &fx.mock};

  MOCK("--silent");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_MANAGER);
  ck_assert_double_ge(r.took, 0.3);
  ck_assert_double_lt(r.took, 2);
}
END_TEST

START_TEST(bus_vanishes)
{
  struct run r = {.seconds = 5, .kill_after = 0.3, .victim = &fx.daemon};

  MOCK("--silent");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_NO_BUS);
  ck_assert_double_lt(r.took, 2);
}
END_TEST

/* ---- Hostile and odd replies. ---- */

START_TEST(many_modems_long_strings)
{
  struct run r = {.seconds = 10};
  size_t     i, n;

  MOCK("--extra-modems", "1000", "--long-strings", "200000", "--rsrp", "-97");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_str_eq(r.info.path, "/org/freedesktop/ModemManager1/Modem/0");
  ck_assert_double_eq(r.info.rsrp_dbm, -97);
  /* Truncated on a character boundary: "ä" is two bytes. */
  n = strlen(r.info.operator_name);
  ck_assert_uint_eq(n, EP_CELL_WORDS_MAX - 2);
  for (i = 0; i < n; i += 2)
    ck_assert(memcmp(r.info.operator_name + i, "\xc3\xa4", 2) == 0);
  ck_assert_uint_lt(strlen(r.info.model), EP_CELL_WORDS_MAX);
  ck_assert(strncmp(r.info.model, "Sierra Wireless \xc3\xa4", 18) == 0);
}
END_TEST

START_TEST(wrong_types)
{
  struct run r = {.seconds = 5};

  MOCK("--wrong-types", "--rsrp", "-93");
  ck_assert_int_eq(run_query(&r), EP_OK);
  ck_assert_int_eq(r.info.absence, EP_CELL_PRESENT);
  ck_assert_int_eq(r.info.state, 0);
  ck_assert_str_eq(r.info.state_words, "unknown");
  ck_assert(!r.info.have_quality);
  ck_assert_uint_eq(r.info.access_tech, 0);
  ck_assert_str_eq(r.info.technology, "");
  /* What was of the right type is all there. */
  ck_assert_str_eq(r.info.operator_name, "Telekom.de");
  ck_assert_str_eq(r.info.model, "Sierra Wireless EM7455");
  ck_assert_double_eq(r.info.rsrp_dbm, -93);
}
END_TEST

/* ---- The words, without a bus. ---- */

START_TEST(words)
{
  char buf[EP_CELL_WORDS_MAX], small[16];

  ck_assert_str_eq(ep_cell_state_words(-1), "failed");
  ck_assert_str_eq(ep_cell_state_words(0), "unknown");
  ck_assert_str_eq(ep_cell_state_words(8), "registered");
  ck_assert_str_eq(ep_cell_state_words(11), "connected");
  ck_assert_str_eq(ep_cell_state_words(12), "unknown");
  ck_assert_str_eq(ep_cell_state_words(-2), "unknown");
  ck_assert_str_eq(ep_cell_registration_words(0), "idle");
  ck_assert_str_eq(ep_cell_registration_words(10),
                   "roaming-csfb-not-preferred");
  ck_assert_str_eq(ep_cell_registration_words(11), "attached-rlos");
  ck_assert_str_eq(ep_cell_registration_words(12), "unknown");
  ck_assert_str_eq(ep_cell_technology_words(0, buf, sizeof buf), "");
  ck_assert_str_eq(ep_cell_technology_words(1u << 9, buf, sizeof buf), "HSPA+");
  ck_assert_str_eq(ep_cell_technology_words((1u << 3) | (1u << 4) | (1u << 31),
                                            buf, sizeof buf),
                   "GPRS, EDGE");
  /* Names that do not fit whole are left out, the rest kept. */
  ck_assert_str_eq(ep_cell_technology_words((1u << 1) | (1u << 2) | (1u << 14),
                                            small, sizeof small),
                   "GSM, LTE");
  ck_assert_uint_lt(strlen(ep_cell_technology_words(~0u, buf, sizeof buf)),
                    sizeof buf);
}
END_TEST

START_TEST(not_started)
{
  struct ep_err         err = EP_ERR_INIT;
  struct ep_cell_info   info;
  struct ep_pollset     ps;
  struct ep_cell_query *q = ep_cell_query_new("wwan0", NULL, &err);

  ck_assert_ptr_nonnull(q);
  ep_pollset_init(&ps);
  ck_assert_int_eq(ep_cell_query_pollset(q, &ps), EP_OK);
  ck_assert_uint_eq(ps.n, 0);
  ck_assert(!ep_cell_query_done(q));
  ck_assert_int_eq(ep_cell_query_result(q, &info, &err), EP_EINVAL);
  ep_cell_query_free(q);
  ep_cell_query_free(NULL);
  ep_pollset_cleanup(&ps);
}
END_TEST

static Suite *
cell_suite(void)
{
  Suite *s = suite_create("uplink_cell");
  TCase *tc = tcase_create("modemmanager");
  TCase *pure = tcase_create("pure");

  tcase_add_checked_fixture(tc, bus_up, bus_down);
  /* Under valgrind sd-bus's first connection takes seconds. */
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, connected_lte);
  tcase_add_test(tc, address_given);
  tcase_add_test(tc, rate0_announced);
  tcase_add_test(tc, rate0_quiet);
  tcase_add_test(tc, rate0_never);
  tcase_add_test(tc, rate0_refused);
  tcase_add_test(tc, umts_rssi);
  tcase_add_test(tc, gsm_rssi);
  tcase_add_test(tc, nr5g);
  tcase_add_test(tc, searching);
  tcase_add_test(tc, denied);
  tcase_add_test(tc, disabled);
  tcase_add_test(tc, state_failed);
  tcase_add_test(tc, no_signal_interface);
  tcase_add_test(tc, other_port);
  tcase_add_test(tc, second_modem);
  tcase_add_test(tc, no_modem);
  tcase_add_test(tc, no_manager);
  tcase_add_test(tc, no_bus);
  tcase_add_test(tc, silent_peer);
  tcase_add_test(tc, peer_vanishes);
  tcase_add_test(tc, bus_vanishes);
  tcase_add_test(tc, many_modems_long_strings);
  tcase_add_test(tc, wrong_types);
  suite_add_tcase(s, tc);
  tcase_add_test(pure, words);
  tcase_add_test(pure, not_started);
  suite_add_tcase(s, pure);
  return s;
}

EP_UNIT_MAIN(cell_suite)
