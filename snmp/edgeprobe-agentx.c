/* edgeprobe-agentx: an AgentX subagent of the system snmpd that runs the
 * whole checklist of its profile on its own schedule and answers every
 * GET and GETNEXT for EDGEPROBE-MIB from the latest results at once.
 * Started as root, it reads its secrets, connects to snmpd, then drops to
 * an unprivileged user; probes run in a thread of their own. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "agentx_prober.h"
#include "agentx_snmp.h"
#include "ep_sections.h"
#include "agentx_options.h"
#include "ep_drift.h"
#include "ep_memory.h"
#include "ep_probes.h"

#define PROGRAM "edgeprobe-agentx"
#define DEFAULT_INTERVAL 60.0
#define PING_INTERVAL 5   /* s: how soon a restarted snmpd is found again */
#define EXIT_CONFIG 3     /* usage and configuration errors, as the checks */

static int wake_write_fd = -1;

static void
usage_text(void)
{
  char *shared = agentx_options_help();
  char *kinds = agentx_kind_options_help();

  printf("%s %s - an AgentX subagent of snmpd serving EDGEPROBE-MIB: the\n"
         "whole network checklist of the profile, run every interval, one\n"
         "table per check and one row per target, answered from the latest\n"
         "run at once\n\n"
         "Usage: %s [options]\n\n"
         "Options of the subagent:\n"
         " -x, --agentx-socket ADDR  snmpd's AgentX socket (default: "
         "net-snmp's,\n"
         "                           /var/agentx/master)\n"
         " -i, --interval SECONDS    time between probe runs (default 60)\n"
         " -f, --foreground          do not daemonize; log to stderr\n"
         " -u, --user USER           drop to USER after start (default:\n"
         "                           edgeprobe, else nobody)\n"
         " --pidfile FILE            write the daemon's pid there (written\n"
         "                           as root; removed at exit if the user\n"
         "                           may)\n"
         " --ntp-interval SECONDS    ask the NTP servers at most this often\n"
         "                           (default 64, the public pool's\n"
         "                           politeness); runs between show the\n"
         "                           last answers\n"
         "%s"
         "    as check_edge has them (without --state-dir, NTP offsets are\n"
         "    kept in memory for the drift)\n\n"
         "Options of every edgeprobe check:\n%s\n"
         "The deadline of a run is the profile's timeout or -t, and at most\n"
         "0.8 of the interval when -t is not given.  On SIGTERM or SIGINT\n"
         "it leaves snmpd at once and ends when a run under way has ended.\n",
         PROGRAM, PACKAGE_VERSION, PROGRAM, kinds ? kinds : "",
         shared ? shared : "");
  free(kinds);
  free(shared);
}

/* Asks the agent loop to stop, through the mailbox's wake-ups. */
static void
on_signal(int sig)
{
  (void)sig;
  agentx_mailbox_ask_stop(wake_write_fd);
}

static int
set_signals(void)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
    return -1;
  /* SIGHUP's default would end the daemon when a log rotation or a
   * closed terminal sends it; it reloads nothing (restart to reload). */
  sa.sa_handler = SIG_IGN;
  if (sigaction(SIGHUP, &sa, NULL) != 0)
    return -1;
  return sigaction(SIGPIPE, &sa, NULL);
}

static enum ep_status
write_pidfile(const char *path, struct ep_err *err)
{
  char buf[32];
  int  fd, len;

  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
            0644);
  if (fd < 0)
    return ep_err_set(err, EP_EIO, "--pidfile %s: %s", path,
                      ep_strerror(errno).text);
  len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
  if (write(fd, buf, (size_t)len) != len) {
    close(fd);
    return ep_err_set(err, EP_EIO, "--pidfile %s: cannot write it", path);
  }
  close(fd);
  return EP_OK;
}

/* The user to drop to, checked before anything starts: -u, else the
 * package's edgeprobe, else nobody.  NULL when not running as root. */
static const char *
choose_user(const char *user, struct ep_err *err)
{
  struct passwd *pw;

  if (geteuid() != 0) {
    if (user)
      ep_err_set(err, EP_EINVAL,
                 "-u %s: only root can change user; started as another, "
                 "it runs as that one", user);
    return NULL;
  }
  if (!user)
    user = getpwnam("edgeprobe") ? "edgeprobe" : "nobody";
  pw = getpwnam(user);
  if (!pw) {
    ep_err_set(err, EP_EINVAL, "-u %s: no such user", user);
    return NULL;
  }
  if (pw->pw_uid == 0) {
    ep_err_set(err, EP_EINVAL,
               "-u %s: the subagent does not keep running as root", user);
    return NULL;
  }
  return user;
}

/* Becomes user (its groups too) for good. */
static enum ep_status
drop_privileges(const char *user, struct ep_err *err)
{
  struct passwd *pw;

  if (!user)
    return EP_OK;
  pw = getpwnam(user);
  if (!pw || initgroups(pw->pw_name, pw->pw_gid) != 0 ||
      setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
    return ep_err_set(err, EP_ESYS, "cannot become %s: %s", user,
                      ep_strerror(errno).text);
  if (setuid(0) == 0)
    return ep_err_set(err, EP_ESYS, "could become root again after "
                                    "dropping to %s", user);
  return EP_OK;
}

/* Settings into a configuration the probe thread can run for months. */
static enum ep_status
configure(struct ep_config *cfg, const struct ep_settings *s,
          struct ep_memory *memory, double interval, struct ep_err *err)
{
  if (ep_config_build(cfg, s, ep_profile_sections,
                        ep_probe_kinds, ep_probe_kinds_n, err) != EP_OK)
    return err->code;
  /* A -t of the user's stands even above the interval: a run that takes
   * longer delays the next (agentx_prober). */
  if (s->timeout <= 0)
    cfg->timeout = ep_schedule_timeout(cfg->timeout, interval);
  cfg->memory = memory;
  if (ep_config_keep_secrets(cfg, err) != EP_OK)
    return err->code;
  return ep_check_validate(cfg, ep_probe_kinds, ep_probe_kinds_n, err);
}

/* What runs when, as the log says at start: a run every interval, and a
 * kind that may not run as often (NTP) at most every polite_interval (0:
 * its own min_interval), with when its drift comes. */
static void
log_schedule(const struct ep_config *cfg, double interval,
             double polite_interval)
{
  struct ep_schedule_pace pace;
  double                  drift;
  size_t                  i;

  agentx_log(LOG_INFO,
             "%s %s: profile %s, a run every %g s with a deadline of %g s",
             PROGRAM, PACKAGE_VERSION, cfg->profile->name, interval,
             cfg->timeout);
  for (i = 0; i < ep_probe_kinds_n; i++) {
    ep_schedule_pace_init(&pace, ep_probe_kinds[i], polite_interval);
    if (pace.interval <= 0 || !ep_config_check(cfg, ep_probe_kinds[i])->wanted)
      continue;
    drift = ep_schedule_first_drift(ep_probe_kinds[i], pace.interval,
                                    EP_DRIFT_MIN_INTERVAL);
    if (drift > 0)
      agentx_log(LOG_INFO,
                 "%s: %s at most every %g s; its drift from %g s after its "
                 "first answer",
                 PROGRAM, ep_probe_kinds[i]->title, pace.interval, drift);
    else
      agentx_log(LOG_INFO, "%s: %s at most every %g s", PROGRAM,
                 ep_probe_kinds[i]->title, pace.interval);
  }
}

static int
fail(int code, const char *msg, bool logged)
{
  if (logged)
    syslog(LOG_ERR, "%s", msg);
  fprintf(stderr, "%s: %s\n", PROGRAM, msg);
  return code;
}

int
main(int argc, char **argv)
{
  struct ep_settings     s;
  struct agentx_options  opts;
  struct ep_config       cfg;
  struct ep_memory      *memory = ep_memory_new();
  struct agentx_prober   prober;
  struct ep_err          err = EP_ERR_INIT;
  struct agentx_update  *first = NULL;
  const char            *user;
  double                 interval;
  struct agentx_mailbox  mailbox;
  bool                   have_mailbox = false;
  int                    rc = 0;
  bool                   inited = false, serving = false;
  bool                   pidfile_written = false;

  ep_settings_init(&s);
  ep_config_init(&cfg);
  memset(&prober, 0, sizeof prober);
  memset(&opts, 0, sizeof opts);
  if (agentx_options_parse(&s, &opts, argc, argv, &err) != EP_OK) {
    rc = fail(EXIT_CONFIG, err.msg, false);
    goto done;
  }
  if (s.help || s.version) {
    if (s.help)
      usage_text();
    else
      printf("%s %s\n", PROGRAM, PACKAGE_VERSION);
    goto done;
  }
  interval = opts.interval > 0 ? opts.interval : DEFAULT_INTERVAL;
  user = choose_user(opts.user, &err);
  if (err.code != EP_OK) {
    rc = fail(EXIT_CONFIG, err.msg, false);
    goto done;
  }
  inited = ep_global_init(ep_probe_kinds, ep_probe_kinds_n, &err) == EP_OK;
  if (!inited || configure(&cfg, &s, memory, interval, &err) != EP_OK) {
    rc = fail(inited ? EXIT_CONFIG : 1, err.msg, false);
    goto done;
  }
  have_mailbox = agentx_mailbox_init(&mailbox) == 0;
  if (!have_mailbox ||
      !(first = agentx_first_view(cfg.profile->name, interval))) {
    rc = fail(1, "cannot set up: out of resources", false);
    goto done;
  }
  wake_write_fd = mailbox.wake[1];
  /* Stays in its directory, so that relative paths mean in every run
   * what they meant at start, daemon or not. */
  if (!opts.foreground && daemon(1, 0) != 0) {
    rc = fail(1, "cannot become a daemon", false);
    goto done;
  }
  if (opts.pidfile) {
    if (write_pidfile(opts.pidfile, &err) != EP_OK) {
      rc = fail(1, err.msg, !opts.foreground);
      goto done;
    }
    pidfile_written = true;
  }
  if (set_signals() != 0) {
    rc = fail(1, "cannot set signal handlers", !opts.foreground);
    goto done;
  }
  if (agentx_snmp_start(opts.agentx_socket, PING_INTERVAL, opts.foreground,
                        &mailbox, first, &err) != EP_OK) {
    rc = fail(1, err.msg, !opts.foreground);
    goto done;
  }
  serving = true;
  first = NULL; /* the agent's now */
  /* The files are checked again as the user the probes will run as. */
  if (drop_privileges(user, &err) != EP_OK ||
      ep_check_validate(&cfg, ep_probe_kinds, ep_probe_kinds_n, &err) !=
        EP_OK ||
      agentx_prober_start(&prober, &cfg, cfg.profile->name, interval,
                          opts.ntp_interval, &mailbox, &err) != EP_OK) {
    agentx_log(LOG_ERR, "%s: %s", PROGRAM, err.msg);
    rc = err.code == EP_EINVAL ? EXIT_CONFIG : 1;
    goto done;
  }
  log_schedule(&cfg, interval, opts.ntp_interval);
  agentx_snmp_loop();
  agentx_log(LOG_INFO, "%s: stopping", PROGRAM);
done:
  if (serving)
    agentx_snmp_stop();
  agentx_prober_stop(&prober);
  agentx_update_free(first);
  if (pidfile_written)
    unlink(opts.pidfile); /* fails once unprivileged in root's directory */
  if (have_mailbox)
    agentx_mailbox_destroy(&mailbox);
  ep_memory_free(memory);
  ep_config_cleanup(&cfg);
  ep_settings_cleanup(&s);
  if (inited)
    ep_global_cleanup(ep_probe_kinds, ep_probe_kinds_n);
  return rc;
}
