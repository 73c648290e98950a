#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ep_addr.h"
#include "ep_cli.h"

enum long_only {
  OPT_FALLBACK = 256,
  OPT_CACERT,
  OPT_PROXY,
  OPT_PROXY_AUTH_FILE,
  OPT_PROXY_CACERT,
  OPT_FORMAT,
  OPT_SAMPLES,
  OPT_NATS_AUTH_FILE,
  OPT_EXPECT_ISSUER,
  OPT_CERT_WARNING_DAYS,
  OPT_CERT_CRITICAL_DAYS,
  OPT_STATE_DIR,
  OPT_DRIFT_WARNING,
  OPT_DRIFT_CRITICAL,
  OPT_PIDFILE,
  OPT_NTP_INTERVAL,
  OPT_MACHINE_INTERFACE
};

static const struct option long_options[] = {
  {"profile", required_argument, NULL, 'P'},
  {"dns-server", required_argument, NULL, 'D'},
  {"fallback-dns", required_argument, NULL, OPT_FALLBACK},
  {"timeout", required_argument, NULL, 't'},
  {"warning", required_argument, NULL, 'w'},
  {"critical", required_argument, NULL, 'c'},
  {"cacert", required_argument, NULL, OPT_CACERT},
  {"proxy", required_argument, NULL, OPT_PROXY},
  {"proxy-auth-file", required_argument, NULL, OPT_PROXY_AUTH_FILE},
  {"proxy-cacert", required_argument, NULL, OPT_PROXY_CACERT},
  {"interface", required_argument, NULL, 'I'},
  {"format", required_argument, NULL, OPT_FORMAT},
  {"verbose", no_argument, NULL, 'v'},
  {"help", no_argument, NULL, 'h'},
  {"version", no_argument, NULL, 'V'},
  {"hostname", required_argument, NULL, 'H'},
  {"expect-address", required_argument, NULL, 'a'},
  {"samples", required_argument, NULL, OPT_SAMPLES},
  {"nats-auth-file", required_argument, NULL, OPT_NATS_AUTH_FILE},
  {"expect-issuer", required_argument, NULL, OPT_EXPECT_ISSUER},
  {"cert-warning-days", required_argument, NULL, OPT_CERT_WARNING_DAYS},
  {"cert-critical-days", required_argument, NULL, OPT_CERT_CRITICAL_DAYS},
  {"state-dir", required_argument, NULL, OPT_STATE_DIR},
  {"drift-warning", required_argument, NULL, OPT_DRIFT_WARNING},
  {"drift-critical", required_argument, NULL, OPT_DRIFT_CRITICAL},
  {"agentx-socket", required_argument, NULL, 'x'},
  {"interval", required_argument, NULL, 'i'},
  {"foreground", no_argument, NULL, 'f'},
  {"user", required_argument, NULL, 'u'},
  {"pidfile", required_argument, NULL, OPT_PIDFILE},
  {"ntp-interval", required_argument, NULL, OPT_NTP_INTERVAL},
  {"machine-interface", required_argument, NULL, OPT_MACHINE_INTERFACE},
  {NULL, 0, NULL, 0}};

const char *
ep_cli_shared_help(void)
{
  return " -P, --profile NAME|FILE\n"
         "    standard (default), govcloud, or the path of a JSON profile\n"
         " -D, --dns-server ADDR[:PORT]\n"
         "    resolver for every name the check resolves; repeatable,\n"
         "    replaces the profile's dns.servers\n"
         " --fallback-dns system|none|ADDR[:PORT]\n"
         "    asked when the resolvers do not answer (default: profile, "
         "system)\n"
         " -t, --timeout SECONDS\n"
         "    deadline for the whole run (default: profile, 10)\n"
         " --cacert FILE          trust this CA bundle (https, NATS TLS)\n"
         " --proxy URL            http:// or https:// proxy, no credentials\n"
         " --proxy-auth-file FILE user:password for the proxy\n"
         " --proxy-cacert FILE    CA bundle for an https proxy\n"
         " -I, --interface IFACE|ADDR\n"
         "    send every probe from this interface (an address means its "
         "interface)\n"
         " --format nagios|json   output format (default nagios)\n"
         " -v, --verbose  -h, --help  -V, --version\n";
}

static enum ep_status
parse_timeout(const char *arg, double *out, struct ep_err *err)
{
  char  *end;
  double v;

  v = strtod(arg, &end);
  if (end == arg || *end || !isfinite(v) || strchr(arg, 'x') ||
      strchr(arg, 'X'))
    return ep_err_set(err, EP_EINVAL, "-t: '%s' is not a number of seconds",
                      arg);
  if (v <= 0 || v > 3600)
    return ep_err_set(err, EP_EINVAL,
                      "-t: '%s': the timeout must be more than 0 and at most "
                      "3600 seconds",
                      arg);
  *out = v;
  return EP_OK;
}

static enum ep_status
add(struct ep_strlist *l, const char *s, struct ep_err *err)
{
  if (ep_strlist_add(l, s) != EP_OK)
    return ep_err_set(err, EP_ENOMEM, "out of memory");
  return EP_OK;
}

/* "--verbose=2": getopt reports the option's letter, which would blame
 * "-v" for what the user wrote. */
static bool
takes_no_argument(const char *arg)
{
  size_t                len = strcspn(arg, "=");
  const struct option *o;

  if (strncmp(arg, "--", 2) != 0 || arg[len] != '=')
    return false;
  for (o = long_options; o->name; o++)
    if (strlen(o->name) == len - 2 && strncmp(o->name, arg + 2, len - 2) == 0)
      return o->has_arg == no_argument;
  return false;
}

static enum ep_status
not_here(const char *opt, struct ep_err *err)
{
  return ep_err_set(err, EP_EINVAL, "%s is not an option of this check", opt);
}

/* -i (from 0.01 s: the tests' soaks run back to back) and
 * --ntp-interval (from 1 s) up to a day. */
static enum ep_status
parse_interval(const char *opt, const char *arg, double min, double *out,
               struct ep_err *err)
{
  char  *end;
  double v = strtod(arg, &end);

  if (end == arg || *end || !isfinite(v) || strchr(arg, 'x') ||
      strchr(arg, 'X'))
    return ep_err_set(err, EP_EINVAL, "%s: '%s' is not a number of seconds",
                      opt, arg);
  if (v < min || v > 86400)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s': the interval must be from %g to 86400 "
                      "seconds", opt, arg, min);
  *out = v;
  return EP_OK;
}

static enum ep_status
parse_days(const char *opt, const char *arg, int *out, struct ep_err *err)
{
  char *end;
  long  v = strtol(arg, &end, 10);

  if (end == arg || *end || v < 0 || v > 3650)
    return ep_err_set(err, EP_EINVAL,
                      "%s: '%s': expected a whole number of days from 0 to "
                      "3650", opt, arg);
  *out = (int)v;
  return EP_OK;
}

enum ep_status
ep_cli_parse(struct ep_settings *cli, int argc, char **argv, unsigned extras,
             struct ep_err *err)
{
  struct ep_hostport hp;
  enum ep_status     rc = EP_OK;
  int                c;

  /* getopt keeps its position in globals; a fresh parse starts over. */
  optind = 0;
  opterr = 0;
  while (rc == EP_OK && (c = getopt_long(argc, argv, ":P:D:t:w:c:I:vhVH:a:x:i:fu:",
                                         long_options, NULL)) != -1) {
    switch (c) {
      case 'P':
        cli->profile = optarg;
        break;
      case 'D':
        if ((rc = ep_addrport_parse(optarg, 53, "-D", &hp, err)) == EP_OK)
          rc = add(&cli->dns_servers, optarg, err);
        break;
      case OPT_FALLBACK:
        if (strcmp(optarg, "system") != 0 && strcmp(optarg, "none") != 0 &&
            ep_addrport_parse(optarg, 53, "--fallback-dns", &hp, err) != EP_OK)
          rc = EP_EINVAL;
        cli->fallback = optarg;
        break;
      case 't':
        rc = parse_timeout(optarg, &cli->timeout, err);
        break;
      case 'w':
      case 'c':
        if (!(extras & EP_CLI_THRESHOLDS))
          rc = ep_err_set(err, EP_EINVAL,
                          "-%c is not an option of this check: its "
                          "thresholds come from the profile", c);
        else if (c == 'w')
          cli->warning = optarg;
        else
          cli->critical = optarg;
        break;
      case OPT_CACERT:
        cli->cacert = optarg;
        break;
      case OPT_PROXY:
        cli->proxy = optarg;
        break;
      case OPT_PROXY_AUTH_FILE:
        cli->proxy_auth_file = optarg;
        break;
      case OPT_PROXY_CACERT:
        cli->proxy_cacert = optarg;
        break;
      case 'I':
        cli->interface = optarg;
        break;
      case OPT_FORMAT:
        if (strcmp(optarg, "nagios") == 0)
          cli->format = EP_FORMAT_NAGIOS;
        else if (strcmp(optarg, "json") == 0)
          cli->format = EP_FORMAT_JSON;
        else
          rc = ep_err_set(err, EP_EINVAL,
                          "--format: '%s': expected nagios or json", optarg);
        break;
      case 'v':
        cli->verbose++;
        break;
      case 'h':
        cli->help = true;
        break;
      case 'V':
        cli->version = true;
        break;
      case 'H':
        if (!(extras & EP_CLI_HOST))
          rc = not_here("-H", err);
        else if (strlen(optarg) > 253 + 6)
          rc = ep_err_set(err, EP_EINVAL,
                          "-H: host name is %zu characters, more than 253",
                          strlen(optarg));
        else
          rc = add(&cli->hosts, optarg, err);
        break;
      case 'a':
        if (!(extras & EP_CLI_EXPECT_ADDRESS))
          rc = not_here("-a", err);
        else if (!ep_addr_is_literal(optarg))
          rc = ep_err_set(err, EP_EINVAL,
                          "-a: '%s' is not an IPv4 or IPv6 address", optarg);
        else
          rc = add(&cli->expect_addresses, optarg, err);
        break;
      case OPT_SAMPLES: {
        char *end;
        long  v = strtol(optarg, &end, 10);

        if (!(extras & EP_CLI_SAMPLES))
          rc = not_here("--samples", err);
        else if (end == optarg || *end || v < 1 || v > 8)
          rc = ep_err_set(err, EP_EINVAL,
                          "--samples: '%s': expected a whole number from 1 "
                          "to 8", optarg);
        else
          cli->samples = (int)v;
        break;
      }
      case OPT_NATS_AUTH_FILE:
        if (!(extras & EP_CLI_NATS_AUTH))
          rc = not_here("--nats-auth-file", err);
        else
          cli->nats_auth_file = optarg;
        break;
      case OPT_EXPECT_ISSUER:
        if (!(extras & EP_CLI_HTTPS))
          rc = not_here("--expect-issuer", err);
        else if (!*optarg || strlen(optarg) > 200)
          rc = ep_err_set(err, EP_EINVAL, "--expect-issuer: expected 1 to "
                                          "200 characters of an issuer name");
        else
          rc = add(&cli->expect_issuers, optarg, err);
        break;
      case OPT_CERT_WARNING_DAYS:
        rc = (extras & EP_CLI_HTTPS)
               ? parse_days("--cert-warning-days", optarg,
                            &cli->cert_warning_days, err)
               : not_here("--cert-warning-days", err);
        break;
      case OPT_CERT_CRITICAL_DAYS:
        rc = (extras & EP_CLI_HTTPS)
               ? parse_days("--cert-critical-days", optarg,
                            &cli->cert_critical_days, err)
               : not_here("--cert-critical-days", err);
        break;
      case OPT_STATE_DIR:
      case OPT_DRIFT_WARNING:
      case OPT_DRIFT_CRITICAL:
        if (!(extras & EP_CLI_DRIFT))
          rc = not_here(c == OPT_STATE_DIR       ? "--state-dir"
                        : c == OPT_DRIFT_WARNING ? "--drift-warning"
                                                 : "--drift-critical",
                        err);
        else if (c == OPT_STATE_DIR)
          cli->state_dir = optarg;
        else if (c == OPT_DRIFT_WARNING)
          cli->drift_warning = optarg;
        else
          cli->drift_critical = optarg;
        break;
      case 'x':
      case 'i':
      case 'f':
      case 'u':
      case OPT_PIDFILE:
      case OPT_NTP_INTERVAL:
        if (!(extras & EP_CLI_AGENT)) {
          char opt[3] = {'-', (char)c, '\0'};

          rc = not_here(c == OPT_PIDFILE        ? "--pidfile"
                        : c == OPT_NTP_INTERVAL ? "--ntp-interval"
                                                : opt,
                        err);
        } else if (c == 'x') {
          cli->agentx_socket = optarg;
        } else if (c == 'i') {
          rc = parse_interval("-i", optarg, 0.01, &cli->interval, err);
        } else if (c == OPT_NTP_INTERVAL) {
          rc = parse_interval("--ntp-interval", optarg, 1, &cli->ntp_interval,
                              err);
        } else if (c == 'f') {
          cli->foreground = true;
        } else if (c == 'u') {
          cli->user = optarg;
        } else {
          cli->pidfile = optarg;
        }
        break;
      case OPT_MACHINE_INTERFACE:
        if (!(extras & EP_CLI_MACHINE_IFACE))
          rc = not_here("--machine-interface", err);
        else
          cli->machine_interface = optarg;
        break;
      case ':':
        rc = ep_err_set(err, EP_EINVAL, "option %s needs an argument",
                        argv[optind - 1]);
        break;
      default:
        if (takes_no_argument(argv[optind - 1]))
          rc = ep_err_set(err, EP_EINVAL, "option %.*s takes no argument",
                          (int)strcspn(argv[optind - 1], "="),
                          argv[optind - 1]);
        else if (strncmp(argv[optind - 1], "--", 2) == 0)
          rc = ep_err_set(err, EP_EINVAL, "unknown option %.*s",
                          (int)strcspn(argv[optind - 1], "="),
                          argv[optind - 1]);
        else if (optopt)
          rc = ep_err_set(err, EP_EINVAL, "unknown option -%c", optopt);
        else
          rc = ep_err_set(err, EP_EINVAL, "unknown option %s",
                          argv[optind - 1]);
        break;
    }
  }
  if (rc == EP_OK && optind < argc)
    rc = ep_err_set(err, EP_EINVAL, "unexpected argument '%s'", argv[optind]);
  if (rc == EP_OK && cli->expect_addresses.n && !cli->hosts.n)
    rc = ep_err_set(err, EP_EINVAL, "-a needs -H: it says what the names "
                                    "given with -H must resolve to");
  return rc;
}
