/* Runs the whole DNS check many times in one process from two threads at
 * once, as collectd and the SNMP subagent will for months, and fails if
 * file descriptors grow or a run's result changes. */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_check.h"
#include "ep_cli.h"
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

static void *
work(void *arg)
{
  struct worker *w = arg;
  char          *argv[] = {"soak", "-D", (char *)w->server, "--fallback-dns",
                           "none", "-H", "api.machinemetrics.com", "-H",
                           "app.machinemetrics.com", "-H", "nosuch.example.com",
                           NULL};
  struct ep_cli  cli;
  int            i;

  for (i = 0; i < w->runs; i++) {
    struct ep_config       cfg;
    struct ep_check_result res;
    struct ep_err          err = EP_ERR_INIT;

    ep_cli_init(&cli);
    ep_config_init(&cfg);
    /* getopt is not thread-safe: parse under a lock, run concurrently. */
    {
      static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
      enum ep_status         rc;

      pthread_mutex_lock(&lock);
      rc = ep_cli_parse(&cli, 11, argv, EP_CLI_HOST, &err);
      if (rc == EP_OK)
        rc = ep_config_from_cli(&cfg, &cli, EP_CHECK_DNS, &err);
      pthread_mutex_unlock(&lock);
      if (rc != EP_OK)
        goto failed;
    }
    if (ep_check_run(&cfg, ep_dns_probe_for, &res, &err) != EP_OK)
      goto failed;
    /* Two names resolve, one is NXDOMAIN: CRITICAL, every time. */
    if (res.state != EP_STATE_CRITICAL || res.n_targets != 3 ||
        res.targets[0].state != EP_STATE_OK ||
        res.targets[2].state != EP_STATE_CRITICAL) {
      snprintf(err.msg, sizeof err.msg, "run %d: unexpected result: %s", i,
               res.summary ? res.summary : "(none)");
      ep_check_result_cleanup(&res);
      goto failed;
    }
    ep_check_result_cleanup(&res);
    ep_config_cleanup(&cfg);
    ep_cli_cleanup(&cli);
    continue;
  failed:
    if (!w->failures++)
      snprintf(w->first_error, sizeof w->first_error, "%s", err.msg);
    ep_config_cleanup(&cfg);
    ep_cli_cleanup(&cli);
  }
  return NULL;
}

int
main(int argc, char **argv)
{
  struct worker w[2];
  pthread_t     t[2];
  struct ep_err err = EP_ERR_INIT;
  int           runs = argc > 2 ? atoi(argv[2]) : 1000;
  int           before, after, i;

  if (argc < 2) {
    fprintf(stderr, "usage: dns-soak DNS-SERVER [TOTAL-RUNS]\n");
    return 2;
  }
  if (ep_global_init(&err) != EP_OK) {
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
  ep_global_cleanup();
  printf("%d runs in 2 threads: %d + %d failed; open fds %d before, %d after\n",
         runs, w[0].failures, w[1].failures, before, after);
  for (i = 0; i < 2; i++)
    if (w[i].failures)
      printf("thread %d first failure: %s\n", i, w[i].first_error);
  return w[0].failures || w[1].failures || after != before;
}
