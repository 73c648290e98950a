/* check_edge: the vendor's whole network checklist in one run (DNS, NTP,
 * HTTPS to every domain, no TLS inspection, NATS on 7422, the proxy),
 * every probe at once under one deadline; the first line names the root
 * cause of what failed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_sections.h"
#include "ep_checklist.h"
#include "ep_nagios.h"
#include "ep_nagios_cli.h"
#include "ep_probes.h"
#include "ep_time.h"

#define PROGRAM "check_edge"

static const char synopsis[] =
  "checks the whole network checklist of the profile at once: DNS, NTP,\n"
  "HTTPS to every domain, no TLS inspection, NATS on 7422, the proxy and\n"
  "the machine network (the profile's machines), each with its state and\n"
  "worst target, and names the root cause first";

static const char usage[] =
  "[-P PROFILE] [-D ADDR[:PORT]]... [--fallback-dns system|none|ADDR]\n"
  "   [-t SECONDS] [-I IFACE] [--machine-interface IFACE] [--cacert FILE]\n"
  "   [--proxy URL\n"
  "   [--proxy-auth-file FILE]] [--nats-auth-file FILE] [--expect-issuer TEXT]...\n"
  "   [--state-dir DIR] [--format nagios|json] [-v|-vv]";

static const char examples[] =
  " check_edge\n"
  "    the vendor's whole checklist, the built-in standard profile\n"
  " check_edge -P govcloud -I enp2s0 -v\n"
  "    the GovCloud checklist from the gateway's second interface, every\n"
  "    target listed under its item\n"
  " check_edge -P /etc/edgeprobe/plant4.json --state-dir /var/lib/nagios/edgeprobe\n"
  "    the site's own profile, with the NTP drift between runs\n"
  " check_edge -P /etc/edgeprobe/plant4.json -I enp2s0 --machine-interface eno1\n"
  "    the cloud side from enp2s0, the profile's machines from eno1\n";

/* Its own options: those of every kind the whole checklist takes. */
static char *
own_help(void)
{
  static const char head[] =
    "Options of this check (each check's targets and thresholds come from\n"
    "the profile; -H, -w and -c belong to the single checks):\n";
  char  *kinds = ep_nagios_kind_options_help(NULL);
  size_t n = sizeof head + (kinds ? strlen(kinds) : 0);
  char  *text = malloc(n);

  if (text)
    snprintf(text, n, "%s%s", head, kinds ? kinds : "");
  free(kinds);
  return text;
}

int
main(int argc, char **argv)
{
  struct ep_settings   s;
  struct ep_config     cfg;
  struct ep_run_result run;
  struct ep_checklist  cl;
  struct ep_err        err = EP_ERR_INIT;
  char                *text = NULL;
  bool                 inited = false, built = false;
  int                  state;

  ep_settings_init(&s);
  ep_config_init(&cfg);
  cfg.counted_from = ep_time_now();
  ep_run_result_init(&run);
  if (ep_nagios_parse(&s, argc, argv, NULL, &err) != EP_OK) {
    state = ep_nagios_unknown("CHECKLIST", "checklist", s.format, err.msg);
    goto done;
  }
  if (s.help || s.version) {
    if (s.help) {
      char *help = own_help();

      ep_nagios_help(PROGRAM, synopsis, usage, help ? help : "", examples,
                     NULL);
      free(help);
    }
    else
      printf("%s %s\n", PROGRAM, PACKAGE_VERSION);
    state = EP_STATE_UNKNOWN;
    goto done;
  }
  inited = ep_global_init(ep_probe_kinds, ep_probe_kinds_n, &err) == EP_OK;
  if (inited &&
      ep_config_build(&cfg, &s, ep_profile_sections,
                        ep_probe_kinds, ep_probe_kinds_n, &err) ==
        EP_OK &&
      ep_check_run(&cfg, ep_probe_kinds, ep_probe_kinds_n, &run, &err) ==
        EP_OK)
    built = ep_checklist_build(&run, &cfg, &cl, &err) == EP_OK;
  if (!built) {
    state = ep_nagios_unknown("CHECKLIST", "checklist", s.format, err.msg);
    goto done;
  }
  text = cfg.format == EP_FORMAT_JSON
           ? ep_checklist_json(&cl, &run, &err)
           : ep_checklist_nagios(&cl, &run, &cfg, cfg.verbose, &err);
  state = text ? ep_nagios_print(text, (int)cl.state)
               : ep_nagios_unknown("CHECKLIST", "checklist", s.format,
                                   err.msg);
done:
  free(text);
  if (built)
    ep_checklist_free(&cl);
  ep_run_result_cleanup(&run);
  ep_config_cleanup(&cfg);
  ep_settings_cleanup(&s);
  if (inited)
    ep_global_cleanup(ep_probe_kinds, ep_probe_kinds_n);
  if (fflush(stdout) != 0)
    state = EP_STATE_UNKNOWN;
  return state;
}
