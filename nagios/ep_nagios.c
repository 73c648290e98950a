#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "ep_sections.h"
#include "ep_check.h"
#include "ep_nagios.h"
#include "ep_output.h"
#include "ep_time.h"

int
ep_nagios_unknown(const char *title, const char *name, enum ep_format format,
                  const char *msg)
{
  char *text = format == EP_FORMAT_JSON ? ep_format_json_unknown(name, msg)
                                        : NULL;

  if (text) {
    fputs(text, stdout);
    free(text);
  } else {
    printf("EDGE %s UNKNOWN - %s\n", title, msg);
  }
  return EP_STATE_UNKNOWN;
}

void
ep_nagios_help(const char *program, const char *synopsis, const char *usage,
               const char *own_help, const char *examples,
               const struct ep_probe_kind *own)
{
  printf("%s %s (edgeprobe)\n%s\n\nUsage:\n %s %s\n\n%s\nOptions of every "
         "edgeprobe check:\n",
         program, PACKAGE_VERSION, synopsis, program, usage, own_help);
  ep_nagios_options_help(stdout, own);
  printf("\nExamples:\n%s"
         "\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage or "
         "configuration error, and --help and --version).\n"
         "\nRun it from the edge gateway's own network position (an Icinga "
         "agent or\nNRPE there), not from the monitoring server.  Report "
         "problems on edgeprobe's\nissue tracker, with the output of -vv "
         "and --version.\n",
         examples);
}

int
ep_nagios_print(const char *text, int state)
{
  fputs(text, stdout);
  return fflush(stdout) != 0 ? EP_STATE_UNKNOWN : state;
}

int
ep_nagios_main(int argc, char **argv, const struct ep_probe_kind *kind)
{
  const struct ep_probe_kind *kinds[1] = {kind};
  struct ep_settings          s;
  struct ep_config            cfg;
  struct ep_run_result        result;
  struct ep_err               err = EP_ERR_INIT;
  const struct ep_check_result *c;
  char                        program[64];
  char                       *text = NULL;
  int                         state;
  bool                        inited = false;

  ep_settings_init(&s);
  ep_config_init(&cfg);
  cfg.counted_from = ep_time_now();
  ep_run_result_init(&result);
  if (ep_nagios_parse(&s, argc, argv, kind, &err) != EP_OK) {
    state = ep_nagios_unknown(kind->title, kind->name, s.format,
                              err.msg);
    goto done;
  }
  /* As the Monitoring Plugins do: help and version are not a check
   * result, so they exit UNKNOWN. */
  if (s.help || s.version) {
    snprintf(program, sizeof program, "check_edge_%s", kind->name);
    if (s.help)
      ep_nagios_help(program, kind->doc->synopsis, kind->doc->usage,
                     kind->doc->help, kind->doc->examples, kind);
    else
      printf("%s %s\n", program, PACKAGE_VERSION);
    state = EP_STATE_UNKNOWN;
    goto done;
  }
  inited = ep_global_init(kinds, 1, &err) == EP_OK;
  if (!inited || ep_config_build(&cfg, &s, ep_profile_sections,
                        kinds, 1, &err) != EP_OK ||
      ep_check_run(&cfg, kinds, 1, &result, &err) != EP_OK) {
    state = ep_nagios_unknown(kind->title, kind->name, s.format,
                              err.msg);
    goto done;
  }
  c = &result.checks[0];
  text = cfg.format == EP_FORMAT_JSON
           ? ep_format_json(c, &err)
           : ep_format_nagios(c, kind->title, cfg.verbose, &err);
  if (!text) {
    state = ep_nagios_unknown(kind->title, kind->name, s.format,
                              err.msg);
    goto done;
  }
  state = (int)c->state;
done:
  if (text)
    state = ep_nagios_print(text, state);
  free(text);
  ep_run_result_cleanup(&result);
  ep_config_cleanup(&cfg);
  ep_settings_cleanup(&s);
  if (inited)
    ep_global_cleanup(kinds, 1);
  if (fflush(stdout) != 0)
    state = EP_STATE_UNKNOWN;
  return state;
}
