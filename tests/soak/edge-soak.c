/* Runs the whole checklist (every probe kind, the root causes) many times
 * in one process from two threads at once, as collectd's read threads and
 * the SNMP subagent will for months: every run must be OK, and neither
 * open file descriptors nor memory may grow once the process is warm. */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ep_sections.h"
#include "https_settings.h"
#include "ep_check.h"
#include "ep_checklist.h"
#include "ep_config.h"
#include "ep_probes.h"

struct worker {
  int         runs;
  const char *profile, *cacert;
  int         failures;
  char        first_error[512];
};

static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  progress_cond = PTHREAD_COND_INITIALIZER;
static int             total_done;

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

/* Resident set size, KiB. */
static long
rss_kib(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  long  size = 0, resident = 0;

  if (!f)
    return -1;
  if (fscanf(f, "%ld %ld", &size, &resident) != 2)
    resident = -1;
  fclose(f);
  return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
one_run(struct worker *w, int i)
{
  struct ep_settings   s;
  struct ep_config     cfg;
  struct ep_run_result run;
  struct ep_checklist  cl;
  struct ep_err        err = EP_ERR_INIT;
  bool                 built = false;

  memset(&cl, 0, sizeof cl);
  ep_settings_init(&s);
  ep_config_init(&cfg);
  ep_run_result_init(&run);
  s.profile = w->profile;
  s.cacert = w->cacert;
  if (ep_settings_add(&s, &ep_https_option_expect_issuer,
                      "--expect-issuer", "edgeprobe", &err) == EP_OK &&
      ep_config_build(&cfg, &s, ep_profile_sections, ep_probe_kinds,
                      ep_probe_kinds_n, &err) == EP_OK &&
           ep_check_run(&cfg, ep_probe_kinds, ep_probe_kinds_n, &run,
                        &err) == EP_OK)
    built = ep_checklist_build(&run, &cfg, &cl, &err) == EP_OK;
  if (built && cl.state != EP_STATE_OK)
    snprintf(err.msg, sizeof err.msg, "run %d: %s %.200s", i,
             ep_state_str(cl.state), cl.summary);
  if ((!built || cl.state != EP_STATE_OK) && w->failures++ == 0)
    snprintf(w->first_error, sizeof w->first_error, "%s", err.msg);
  if (built)
    ep_checklist_free(&cl);
  ep_run_result_cleanup(&run);
  ep_config_cleanup(&cfg);
  ep_settings_cleanup(&s);
}

static void *
work(void *arg)
{
  struct worker *w = arg;
  int            i;

  for (i = 0; i < w->runs; i++) {
    one_run(w, i);
    pthread_mutex_lock(&progress_lock);
    total_done++;
    pthread_cond_broadcast(&progress_cond);
    pthread_mutex_unlock(&progress_lock);
  }
  return NULL;
}

int
main(int argc, char **argv)
{
  struct worker w[2];
  pthread_t     t[2];
  struct ep_err err = EP_ERR_INIT;
  int           runs, before, after, i, warm;
  long          rss_warm, rss_end;

  if (argc < 4) {
    fprintf(stderr, "usage: edge-soak PROFILE CACERT TOTAL-RUNS\n");
    return 2;
  }
  runs = atoi(argv[3]);
  if (ep_global_init(ep_probe_kinds, ep_probe_kinds_n, &err) != EP_OK) {
    fprintf(stderr, "%s\n", err.msg);
    return 1;
  }
  before = count_fds();
  for (i = 0; i < 2; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].runs = runs / 2;
    w[i].profile = argv[1];
    w[i].cacert = argv[2];
    if (pthread_create(&t[i], NULL, work, &w[i]) != 0) {
      fprintf(stderr, "cannot start a thread\n");
      return 1;
    }
  }
  /* Warm: a quarter of the runs done (allocators' arenas made, libraries'
   * caches filled); from there memory must stay flat. */
  warm = runs / 4;
  pthread_mutex_lock(&progress_lock);
  while (total_done < warm)
    pthread_cond_wait(&progress_cond, &progress_lock);
  pthread_mutex_unlock(&progress_lock);
  rss_warm = rss_kib();
  for (i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  rss_end = rss_kib();
  after = count_fds();
  ep_global_cleanup(ep_probe_kinds, ep_probe_kinds_n);
  printf("%d runs in 2 threads: %d + %d failed; open fds %d before, %d after; "
         "RSS %ld KiB after %d runs, %ld KiB after all\n",
         runs, w[0].failures, w[1].failures, before, after, rss_warm, warm,
         rss_end);
  for (i = 0; i < 2; i++)
    if (w[i].failures)
      printf("thread %d first failure: %s\n", i, w[i].first_error);
  return w[0].failures || w[1].failures || after != before;
}
