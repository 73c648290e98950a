#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "ep_check.h"
#include "ep_cli.h"
#include "ep_nagios.h"
#include "ep_output.h"

/* A run that could not happen: one line, or one JSON document when JSON
 * was asked for. */
static int
unknown(const struct ep_nagios_check *check, enum ep_format format,
        const char *msg)
{
  json_object *doc;

  if (format != EP_FORMAT_JSON) {
    printf("EDGE %s UNKNOWN - %s\n", check->title, msg);
    return EP_STATE_UNKNOWN;
  }
  doc = json_object_new_object();
  json_object_object_add(doc, "check", json_object_new_string(check->kind_name));
  json_object_object_add(doc, "state", json_object_new_string("UNKNOWN"));
  json_object_object_add(doc, "exit_code", json_object_new_int(3));
  json_object_object_add(doc, "summary", json_object_new_string(msg));
  json_object_object_add(doc, "targets", json_object_new_array());
  printf("%s\n", json_object_to_json_string_ext(
                    doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(doc);
  return EP_STATE_UNKNOWN;
}

static void
help(const struct ep_nagios_check *check)
{
  printf("%s %s - %s\n\nUsage: %s [options]\n\n%s\nOptions of every "
         "edgeprobe check:\n%s",
         check->program, PACKAGE_VERSION, check->synopsis, check->program,
         check->own_help, ep_cli_shared_help());
  printf("\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage or "
         "configuration error, and --help and --version).\n");
}

int
ep_nagios_main(int argc, char **argv, const struct ep_nagios_check *check)
{
  struct ep_cli          cli;
  struct ep_config       cfg;
  struct ep_check_result result;
  struct ep_err          err = EP_ERR_INIT;
  char                  *text = NULL;
  int                    state;

  ep_cli_init(&cli);
  ep_config_init(&cfg);
  ep_check_result_init(&result);
  if (ep_cli_parse(&cli, argc, argv, check->extras, &err) != EP_OK) {
    state = unknown(check, cli.format, err.msg);
    goto done;
  }
  /* As the Monitoring Plugins do: help and version are not a check
   * result, so they exit UNKNOWN. */
  if (cli.help) {
    help(check);
    state = EP_STATE_UNKNOWN;
    goto done;
  }
  if (cli.version) {
    printf("%s %s\n", check->program, PACKAGE_VERSION);
    state = EP_STATE_UNKNOWN;
    goto done;
  }
  if (ep_global_init(&err) != EP_OK ||
      ep_config_from_cli(&cfg, &cli, check->kind, &err) != EP_OK ||
      ep_check_run(&cfg, check->factory, &result, &err) != EP_OK) {
    state = unknown(check, cli.format, err.msg);
    goto done;
  }
  text = cfg.format == EP_FORMAT_JSON ? ep_format_json(&result, &err)
                                      : ep_format_nagios(&result, check->title,
                                                         cfg.verbose, &err);
  if (!text) {
    state = unknown(check, cli.format, err.msg);
    goto done;
  }
  fputs(text, stdout);
  state = (int)result.state;
done:
  free(text);
  ep_check_result_cleanup(&result);
  ep_config_cleanup(&cfg);
  ep_cli_cleanup(&cli);
  ep_global_cleanup();
  if (fflush(stdout) != 0)
    state = EP_STATE_UNKNOWN;
  return state;
}
