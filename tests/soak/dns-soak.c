/* Runs the whole DNS check many times in one process from two threads at
 * once, as collectd and the SNMP subagent will for months, and fails if
 * file descriptors grow or a run's result changes. */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_sections.h"
#include "ep_check.h"
#include "dns.h"
#include "ep_config.h"

struct worker {
  int         runs;
  const char *server;
  int         failures;
  char        first_error[256];
};

static int
count_fds(void)
{
  DIR *d = opendir("/proc/self/fd");
  int  n = 0;

  if (!d)
    return -1;
  while (readdir(d))
    n++;
  closedir(d);
  return n;
}

/* The settings a daemon fills for itself: no argv, no getopt, no lock. */
static enum ep_status
settings_for(struct ep_settings *s, const char *server, struct ep_err *err)
{
  static const char *const names[] = {"api.machinemetrics.com",
                                      "app.machinemetrics.com",
                                      "nosuch.example.com"};
  size_t                   i;

  ep_settings_init(s);
  s->fallback = "none";
  if (ep_strlist_add(&s->dns_servers, server) != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  for (i = 0; i < sizeof names / sizeof names[0]; i++)
    if (ep_strlist_add(&s->hosts, names[i]) != EP_OK)
      return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

static void *
work(void *arg)
{
  const struct ep_probe_kind *kinds[] = {&ep_dns_kind};
  struct worker              *w = arg;
  struct ep_settings          s;
  int                         i;

  for (i = 0; i < w->runs; i++) {
    struct ep_config             cfg;
    struct ep_run_result         run;
    const struct ep_check_result *res;
    struct ep_err                err = EP_ERR_INIT;

    ep_config_init(&cfg);
    ep_run_result_init(&run);
    if (settings_for(&s, w->server, &err) != EP_OK ||
        ep_config_build(&cfg, &s, ep_profile_sections,
                        kinds, 1, &err) != EP_OK ||
        ep_check_run(&cfg, kinds, 1, &run, &err) != EP_OK)
      goto failed;
    /* Two names resolve, one is NXDOMAIN: CRITICAL, every time. */
    res = &run.checks[0];
    if (res->state != EP_STATE_CRITICAL || res->n_targets != 3 ||
        res->targets[0].state != EP_STATE_OK ||
        res->targets[2].state != EP_STATE_CRITICAL) {
      snprintf(err.msg, sizeof err.msg, "run %d: unexpected result: %s", i,
               res->summary ? res->summary : "(none)");
      goto failed;
    }
    ep_run_result_cleanup(&run);
    ep_config_cleanup(&cfg);
    ep_settings_cleanup(&s);
    continue;
  failed:
    if (!w->failures++)
      snprintf(w->first_error, sizeof w->first_error, "%s", err.msg);
    ep_run_result_cleanup(&run);
    ep_config_cleanup(&cfg);
    ep_settings_cleanup(&s);
  }
  return NULL;
}

int
main(int argc, char **argv)
{
  const struct ep_probe_kind *kinds[] = {&ep_dns_kind};
  struct worker w[2];
  pthread_t     t[2];
  struct ep_err err = EP_ERR_INIT;
  int           runs = argc > 2 ? atoi(argv[2]) : 1000;
  int           before, after, i;

  if (argc < 2) {
    fprintf(stderr, "usage: dns-soak DNS-SERVER [TOTAL-RUNS]\n");
    return 2;
  }
  if (ep_global_init(kinds, 1, &err) != EP_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  before = count_fds();
  for (i = 0; i < 2; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].runs = runs / 2;
    w[i].server = argv[1];
    if (pthread_create(&t[i], NULL, work, &w[i]) != 0) {
      fprintf(stderr, "cannot start a thread\n");
      return 1;
    }
  }
  for (i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  after = count_fds();
  ep_global_cleanup(kinds, 1);
  printf("%d runs in 2 threads: %d + %d failed; open fds %d before, %d after\n",
         runs, w[0].failures, w[1].failures, before, after);
  for (i = 0; i < 2; i++)
    if (w[i].failures)
      printf("thread %d first failure: %s\n", i, w[i].first_error);
  return w[0].failures || w[1].failures || after != before;
}
