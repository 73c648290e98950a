/* The command line every check shares, then the configuration built from
 * it for each check: arguments are the input's NUL-separated parts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ep_sections.h"
#include "ep_nagios_cli.h"
#include "ep_config.h"
#include "ep_fuzz.h"
#include "ep_probes.h"

#define ARGS_MAX 32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char  *copy = malloc(size + 1);
  char  *argv[ARGS_MAX + 2];
  int    argc = 1;
  size_t i, start = 0;

  if (!copy)
    return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  argv[0] = (char *)"check_edge_fuzz";
  for (i = 0; i <= size && argc <= ARGS_MAX; i++) {
    if (i == size || copy[i] == '\0') {
      argv[argc++] = copy + start;
      start = i + 1;
    }
  }
  argv[argc] = NULL;
  /* Each check alone, then all at once as check_edge runs them. */
  for (i = 0; i <= ep_probe_kinds_n; i++) {
    struct ep_settings    cli;
    struct ep_config cfg;
    struct ep_err    err = EP_ERR_INIT;

    ep_settings_init(&cli);
    ep_config_init(&cfg);
    if (ep_nagios_parse(&cli, argc, argv,
                        i < ep_probe_kinds_n ? ep_probe_kinds[i] : NULL,
                        &err) == EP_OK)
      ep_config_build(&cfg, &cli, ep_profile_sections,
                        i < ep_probe_kinds_n ? ep_probe_kinds + i
                                           : ep_probe_kinds,
                      i < ep_probe_kinds_n ? 1 : ep_probe_kinds_n, &err);
    ep_config_cleanup(&cfg);
    ep_settings_cleanup(&cli);
  }
  free(copy);
  return 0;
}
