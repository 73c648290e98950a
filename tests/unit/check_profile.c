/* Unit tests for ep_profile: the built-in profiles' concrete contents, user
 * profiles from text and from files (extends, cycles, missing files) and
 * every kind of mistake, by the exact message. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ep_profile.h"
#include "ep_unit_profile.h"

static size_t
count_suffix(const struct ep_strlist *l, const char *suffix)
{
  size_t i, n = 0, sl = strlen(suffix);

  for (i = 0; i < l->n; i++) {
    size_t len = strlen(l->v[i]);

    if (len >= sl && strcmp(l->v[i] + len - sl, suffix) == 0)
      n++;
  }
  return n;
}

static const struct ep_dns_name *
find_name(const struct ep_profile *p, const char *name)
{
  size_t i;

  for (i = 0; i < DNS(p)->names.n; i++)
    if (strcmp(DNS(p)->names.v[i].name, name) == 0)
      return &DNS(p)->names.v[i];
  return NULL;
}

/* --- built-in profiles --- */

START_TEST(builtin_names)
{
  ck_assert_str_eq(ep_profile_builtin_names[0], "standard");
  ck_assert_str_eq(ep_profile_builtin_names[1], "govcloud");
  ck_assert_ptr_null(ep_profile_builtin_names[2]);
}
END_TEST

START_TEST(builtin_standard)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p = ep_profile_load("standard", ep_profile_sections, &err);

  ck_assert_msg(p != NULL, "standard: %s", err.msg);
  ck_assert_str_eq(p->name, "standard");
  ck_assert_str_eq(p->description,
                   "MachineMetrics Edge, standard cloud (vendor network "
                   "requirements)");
  ck_assert_double_eq(p->timeout, 10);
  ck_assert_ptr_null(p->interface);
  /* dns */
  ck_assert_uint_eq(p->resolvers.n, 2);
  ck_assert_str_eq(p->resolvers.v[0], "8.8.8.8");
  ck_assert_str_eq(p->resolvers.v[1], "8.8.4.4");
  ck_assert_str_eq(p->fallback, "system");
  ck_assert_uint_eq(DNS(p)->names.n, 0);
  ck_assert_str_eq(DNS(p)->warning, "0.5");
  ck_assert_str_eq(DNS(p)->critical, "2");
  /* ntp */
  ck_assert_uint_eq(NTP(p)->servers.n, 4);
  ck_assert_str_eq(NTP(p)->servers.v[0], "0.resinio.pool.ntp.org");
  ck_assert_str_eq(NTP(p)->servers.v[3], "3.resinio.pool.ntp.org");
  ck_assert_int_eq(NTP(p)->samples, 1);
  ck_assert_str_eq(NTP(p)->warning, "0.5");
  ck_assert_str_eq(NTP(p)->critical, "1");
  /* https */
  ck_assert_uint_eq(HTTPS(p)->targets.n, 15);
  ck_assert_str_eq(HTTPS(p)->targets.v[0], "api.machinemetrics.com");
  ck_assert_int_ge(ep_strlist_find(&HTTPS(p)->targets, "notify.bugsnag.com"), 0);
  ck_assert_str_eq(HTTPS(p)->targets.v[14],
                   "prod-us-west-2-starport-layer-bucket.s3.us-west-2."
                   "amazonaws.com");
  ck_assert_uint_eq(HTTPS(p)->expect_issuers.n, 0);
  ck_assert_int_eq(HTTPS(p)->cert_warning_days, 21);
  ck_assert_int_eq(HTTPS(p)->cert_critical_days, 7);
  ck_assert_str_eq(HTTPS(p)->warning, "1");
  ck_assert_str_eq(HTTPS(p)->critical, "5");
  /* nats */
  ck_assert_uint_eq(NATS(p)->targets.n, 4);
  ck_assert_uint_eq(count_suffix(&NATS(p)->targets, ":7422"), 4);
  ck_assert_str_eq(NATS(p)->targets.v[0], "54.218.103.126:7422");
  ck_assert_str_eq(NATS(p)->targets.v[3], "35.155.82.103:7422");
  ck_assert_str_eq(NATS(p)->warning, "1");
  ck_assert_str_eq(NATS(p)->critical, "5");
  /* the rest */
  ck_assert_ptr_null(p->proxy.url);
  ck_assert_uint_eq(TCP(p)->n_machines, 0);
  ep_profile_free(p);
}
END_TEST

START_TEST(builtin_govcloud)
{
  static const char *const gov3[] = {"18.252.129.108", "18.254.70.116",
                                     "182.30.131.220"};
  struct ep_err             err = EP_ERR_INIT;
  struct ep_profile        *p = ep_profile_load("govcloud", ep_profile_sections, &err);
  const struct ep_dns_name *n;
  size_t                    i;

  ck_assert_msg(p != NULL, "govcloud: %s", err.msg);
  ck_assert_str_eq(p->name, "govcloud");
  ck_assert_ptr_nonnull(strstr(p->description, "GovCloud"));
  ck_assert_double_eq(p->timeout, 10);
  /* dns.names: its own, with the vendor's static addresses */
  ck_assert_uint_eq(DNS(p)->names.n, 10);
  ck_assert_str_eq(DNS(p)->names.v[0].name, "api.machinemetrics-us-gov.com");
  n = find_name(p, "api.machinemetrics-us-gov.com");
  ck_assert_ptr_nonnull(n);
  ck_assert_uint_eq(n->expect.n, 3);
  for (i = 0; i < 3; i++)
    ck_assert_str_eq(n->expect.v[i], gov3[i]);
  ck_assert_int_eq(ep_strlist_find(&n->expect, "182.30.131.220"), 2);
  n = find_name(p, "stream.machinemetrics-us-gov.com");
  ck_assert_ptr_nonnull(n);
  ck_assert_uint_eq(n->expect.n, 3);
  n = find_name(p, "tunnel.balena.machinemetrics-us-gov.com");
  ck_assert_ptr_nonnull(n);
  ck_assert_uint_eq(n->expect.n, 1);
  ck_assert_str_eq(n->expect.v[0], "18.253.182.20");
  for (i = 2; i < DNS(p)->names.n; i++) {
    ck_assert_uint_eq(DNS(p)->names.v[i].expect.n, 1);
    ck_assert_str_eq(DNS(p)->names.v[i].expect.v[0], "18.253.182.20");
  }
  /* dns servers, fallback and thresholds come from standard */
  ck_assert_uint_eq(p->resolvers.n, 2);
  ck_assert_str_eq(p->resolvers.v[0], "8.8.8.8");
  ck_assert_str_eq(p->resolvers.v[1], "8.8.4.4");
  ck_assert_str_eq(p->fallback, "system");
  ck_assert_str_eq(DNS(p)->warning, "0.5");
  ck_assert_str_eq(DNS(p)->critical, "2");
  /* so do the ntp servers */
  ck_assert_uint_eq(NTP(p)->servers.n, 4);
  ck_assert_str_eq(NTP(p)->servers.v[0], "0.resinio.pool.ntp.org");
  ck_assert_str_eq(NTP(p)->servers.v[3], "3.resinio.pool.ntp.org");
  /* https and nats are GovCloud's own */
  ck_assert_uint_eq(HTTPS(p)->targets.n, 15);
  ck_assert_str_eq(HTTPS(p)->targets.v[0], "api.machinemetrics-us-gov.com");
  ck_assert_int_lt(ep_strlist_find(&HTTPS(p)->targets, "api.machinemetrics.com"),
                   0);
  ck_assert_int_eq(HTTPS(p)->cert_warning_days, 21);
  ck_assert_uint_eq(NATS(p)->targets.n, 4);
  ck_assert_uint_eq(count_suffix(&NATS(p)->targets, ":7422"), 4);
  ck_assert_str_eq(NATS(p)->targets.v[0], "stream.machinemetrics-us-gov.com:7422");
  ck_assert_str_eq(NATS(p)->targets.v[3], "182.30.131.220:7422");
  ck_assert_str_eq(NATS(p)->warning, "1");
  ep_profile_free(p);
}
END_TEST

START_TEST(unknown_builtin)
{
  struct ep_err err = EP_ERR_INIT;

  ck_assert_ptr_null(ep_profile_load("nosuch", ep_profile_sections, &err));
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg,
                   "unknown profile 'nosuch': built-in profiles are standard "
                   "and govcloud; a profile file is given by its path");
}
END_TEST

START_TEST(machine_protocol_ports)
{
  ck_assert_uint_eq(ep_machine_protocol_port("modbus-tcp"), 502);
  ck_assert_uint_eq(ep_machine_protocol_port("fanuc-focas"), 8193);
  ck_assert_uint_eq(ep_machine_protocol_port("mtconnect-agent"), 5000);
  /* the name of 0.5 and earlier, and today's */
  ck_assert_uint_eq(ep_machine_protocol_port("allen-bradley-ethernetip"), 44818);
  ck_assert_str_eq(ep_machine_protocol_name("allen-bradley-ethernetip"),
                   "allen-bradley-enip");
  ck_assert_uint_eq(ep_machine_protocol_port("allen-bradley-enip"), 44818);
  ck_assert_uint_eq(ep_machine_protocol_port("kepware-opcua"), 49320);
  ck_assert_uint_eq(ep_machine_protocol_port("telnet"), 0);
  ck_assert_uint_eq(ep_machine_protocol_port(""), 0);
  ck_assert_uint_eq(ep_machine_protocol_port("MODBUS-TCP"), 0);
}
END_TEST

/* --- user profiles from text --- */

static struct ep_profile *
load_text(const char *text, struct ep_err *err)
{
  return ep_profile_load_text(text, strlen(text), "site.json", ep_profile_sections, err);
}

START_TEST(text_empty_object_gets_defaults)
{
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p = load_text("{}", &err);

  ck_assert_msg(p != NULL, "%s", err.msg);
  ck_assert_str_eq(p->name, "site.json");
  ck_assert_ptr_null(p->description);
  ck_assert_double_eq(p->timeout, 10);
  ck_assert_str_eq(p->fallback, "system");
  ck_assert_uint_eq(p->resolvers.n, 0);
  ck_assert_int_eq(NTP(p)->samples, 1);
  ck_assert_int_eq(HTTPS(p)->cert_warning_days, 21);
  ck_assert_int_eq(HTTPS(p)->cert_critical_days, 7);
  ck_assert_uint_eq(HTTPS(p)->targets.n, 0);
  ck_assert_ptr_null(DNS(p)->warning);
  ep_profile_free(p);
}
END_TEST

/* An entry repeated in a list is kept once, where it first came. */
START_TEST(text_list_entry_twice_is_one)
{
  static const char text[] =
    "{ \"ntp\": { \"servers\": [\"a.example\", \"b.example\", "
    "\"a.example\"] },\n"
    "  \"https\": { \"targets\": [\"c.example\", \"c.example\"] } }";
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p = load_text(text, &err);

  ck_assert_msg(p != NULL, "%s", err.msg);
  ck_assert_uint_eq(NTP(p)->servers.n, 2);
  ck_assert_str_eq(NTP(p)->servers.v[0], "a.example");
  ck_assert_str_eq(NTP(p)->servers.v[1], "b.example");
  ck_assert_uint_eq(HTTPS(p)->targets.n, 1);
  ep_profile_free(p);
}
END_TEST

START_TEST(text_extends_builtin_and_overrides)
{
  static const char text[] =
    "{\n"
    "  \"extends\": \"standard\",\n"
    "  \"description\": \"plant 7\",\n"
    "  \"timeout\": 4.5,\n"
    "  \"interface\": \"eth1\",\n"
    "  \"dns\": {\"servers\": [\"10.0.0.53\", \"[2001:db8::53]:5353\"],\n"
    "          \"fallback\": \"none\",\n"
    "          \"names\": [{\"name\": \"historian.plant7.example\",\n"
    "                     \"expect\": [\"10.7.0.10\"]}],\n"
    "          \"critical\": \"@0:0.001\"},\n"
    "  \"ntp\": {\"servers\": [\"10.0.0.123\"], \"samples\": 4},\n"
    "  \"https\": {\"expect_issuers\": [\"Plant7 CA\"], \"cert_warning_days\": 30},\n"
    "  \"proxy\": {\"url\": \"http://proxy.plant7.example:3128\",\n"
    "            \"auth_file\": \"/etc/edgeprobe/proxy.auth\"},\n"
    "  \"machines\": [{\"name\": \"lathe-1\", \"address\": \"10.7.1.21\",\n"
    "                \"protocol\": \"fanuc-focas\"}]\n"
    "}\n";
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p = load_text(text, &err);

  ck_assert_msg(p != NULL, "%s", err.msg);
  ck_assert_str_eq(p->name, "site.json");
  ck_assert_str_eq(p->description, "plant 7");
  ck_assert_double_eq(p->timeout, 4.5);
  ck_assert_str_eq(p->interface, "eth1");
  ck_assert_uint_eq(p->resolvers.n, 2);
  ck_assert_str_eq(p->resolvers.v[0], "10.0.0.53");
  ck_assert_str_eq(p->resolvers.v[1], "[2001:db8::53]:5353");
  ck_assert_str_eq(p->fallback, "none");
  ck_assert_uint_eq(DNS(p)->names.n, 1);
  ck_assert_str_eq(DNS(p)->names.v[0].name, "historian.plant7.example");
  ck_assert_uint_eq(DNS(p)->names.v[0].expect.n, 1);
  ck_assert_str_eq(DNS(p)->names.v[0].expect.v[0], "10.7.0.10");
  ck_assert_str_eq(DNS(p)->warning, "0.5"); /* inherited */
  ck_assert_str_eq(DNS(p)->critical, "@0:0.001");
  ck_assert_uint_eq(NTP(p)->servers.n, 1);
  ck_assert_int_eq(NTP(p)->samples, 4);
  ck_assert_uint_eq(HTTPS(p)->targets.n, 15); /* inherited */
  ck_assert_uint_eq(HTTPS(p)->expect_issuers.n, 1);
  ck_assert_int_eq(HTTPS(p)->cert_warning_days, 30);
  ck_assert_int_eq(HTTPS(p)->cert_critical_days, 7);
  ck_assert_uint_eq(NATS(p)->targets.n, 4);
  ck_assert_str_eq(p->proxy.url, "http://proxy.plant7.example:3128");
  ck_assert_str_eq(p->proxy.auth_file, "/etc/edgeprobe/proxy.auth");
  ck_assert_uint_eq(TCP(p)->n_machines, 1);
  ck_assert_str_eq(TCP(p)->machines[0].name, "lathe-1");
  ck_assert_str_eq(TCP(p)->machines[0].address, "10.7.1.21");
  ck_assert_str_eq(TCP(p)->machines[0].protocol, "fanuc-focas");
  ck_assert_uint_eq(TCP(p)->machines[0].port, 8193);
  ep_profile_free(p);
}
END_TEST

struct bad_profile {
  const char *text;
  const char *msg;
};

static const struct bad_profile bad_profiles[] = {
  /* not JSON, or not an object */
  {"{\"timeout\": 10,}",
   "site.json: line 1, column 16: invalid JSON: unexpected character"},
  {"{\"timeout\": 10, \"timeout\": 5}",
   "site.json: line 1, column 17: duplicate member \"timeout\""},
  {"[]", "site.json: $: expected an object, got array"},
  /* unknown members */
  {"{\"bogus\": 1}", "site.json: $: unknown member \"bogus\""},
  {"{\"dns\": {\"servers\": [], \"bogus\": true}}",
   "site.json: $.dns: unknown member \"bogus\""},
  {"{\"ntp\": {\"server\": [\"a.example\"]}}",
   "site.json: $.ntp: unknown member \"server\""},
  {"{\"dns\": {\"names\": [{\"name\": \"a.example\", \"expected\": []}]}}",
   "site.json: $.dns.names[0]: unknown member \"expected\""},
  {"{\"machines\": [{\"name\": \"m\", \"address\": \"10.0.0.5\", "
   "\"protocol\": \"modbus-tcp\", \"ports\": 502}]}",
   "site.json: $.machines[0]: unknown member \"ports\""},
  {"{\"machines\": [{\"name\": \"m\", \"address\": \"10.0.0.5\", "
   "\"port\": 70000}]}",
   "site.json: $.machines[0].port: expected a TCP port, 1 to 65535, got number"},
  {"{\"machines\": [{\"name\": \"m\", \"address\": \"10.0.0.5\"}]}",
   "site.json: $.machines[0]: missing member \"protocol\" or \"port\""},
  {"{\"machines\": [{\"name\": \"m\", \"address\": \"10.0.0.5\", "
   "\"port\": 502}, {\"name\": \"m\", \"address\": \"10.0.0.6\", "
   "\"port\": 502}]}",
   "site.json: $.machines[1]: a second machine of that name"},
  {"{\"machines\": [{\"name\": \"m 1\", \"address\": \"10.0.0.5\", "
   "\"port\": 502}]}",
   "site.json: $.machines[0].name: expected 1 to 63 characters without "
   "spaces, quotes, '=' or '|' (it labels perfdata)"},
  /* wrong types */
  {"{\"timeout\": \"10\"}",
   "site.json: $.timeout: expected a number of seconds, got string"},
  {"{\"timeout\": null}",
   "site.json: $.timeout: expected a number of seconds, got null"},
  {"{\"dns\": []}", "site.json: $.dns: expected an object, got array"},
  {"{\"dns\": {\"servers\": \"8.8.8.8\"}}",
   "site.json: $.dns.servers: expected an array of strings, got string"},
  {"{\"dns\": {\"servers\": [\"8.8.8.8\", 53]}}",
   "site.json: $.dns.servers[1]: expected a string, got number"},
  {"{\"ntp\": {\"samples\": \"2\"}}",
   "site.json: $.ntp.samples: expected an integer, got string"},
  {"{\"ntp\": {\"samples\": 2.5}}",
   "site.json: $.ntp.samples: expected an integer, got number"},
  {"{\"description\": \"\"}",
   "site.json: $.description: expected a non-empty string"},
  {"{\"extends\": 5}",
   "site.json: $.extends: expected a profile name or path, got number"},
  {"{\"dns\": {\"warning\": 0.5}}",
   "site.json: $.dns.warning: expected a threshold range string such as "
   "\"0.5\", got number"},
  /* out of range */
  {"{\"timeout\": 0}",
   "site.json: $.timeout: expected seconds greater than 0, at most 3600"},
  {"{\"timeout\": -1}",
   "site.json: $.timeout: expected seconds greater than 0, at most 3600"},
  {"{\"timeout\": 3601}",
   "site.json: $.timeout: expected seconds greater than 0, at most 3600"},
  {"{\"ntp\": {\"samples\": 0}}",
   "site.json: $.ntp.samples: expected an integer from 1 to 8, got 0"},
  {"{\"ntp\": {\"samples\": 9}}",
   "site.json: $.ntp.samples: expected an integer from 1 to 8, got 9"},
  {"{\"https\": {\"cert_critical_days\": -1}}",
   "site.json: $.https.cert_critical_days: expected an integer from 0 to "
   "3650, got -1"},
  /* targets and addresses */
  {"{\"nats\": {\"targets\": [\"a.example:7422\", \"10.0.0.1:7422\", "
   "\"nats.example.com\"]}}",
   "site.json: $.nats.targets[2]: expected \"HOST:PORT\""},
  {"{\"nats\": {\"targets\": [7422]}}",
   "site.json: $.nats.targets[0]: expected \"HOST:PORT\", got number"},
  {"{\"dns\": {\"servers\": [\"dns.google\"]}}",
   "site.json: $.dns.servers[0]: 'dns.google' is not an IPv4 or IPv6 address"},
  {"{\"dns\": {\"servers\": [\"8.8.8.8\", \"8.8.4.4:0\"]}}",
   "site.json: $.dns.servers[1]: '8.8.4.4:0': port must be a number from 1 "
   "to 65535"},
  {"{\"dns\": {\"fallback\": \"resolv.conf\"}}",
   "site.json: $.dns.fallback: expected \"system\", \"none\" or an "
   "address[:port]"},
  {"{\"dns\": {\"names\": [{\"expect\": [\"10.0.0.1\"]}]}}",
   "site.json: $.dns.names[0]: missing member \"name\""},
  {"{\"dns\": {\"names\": [\"a.example\"]}}",
   "site.json: $.dns.names[0]: expected an object with \"name\", got string"},
  {"{\"dns\": {\"names\": [{\"name\": \"*.example.com\"}]}}",
   "site.json: $.dns.names[0].name: '*.example.com' is a wildcard; list "
   "concrete host names"},
  {"{\"dns\": {\"names\": [{\"name\": \"a.example\", \"expect\": [\"a.example\"]}]}}",
   "site.json: $.dns.names[0].expect[0]: expected an IPv4 or IPv6 address"},
  {"{\"ntp\": {\"servers\": [\"a..example\"]}}",
   "site.json: $.ntp.servers[0]: 'a..example' has an empty label"},
  {"{\"https\": {\"targets\": [\"api.example.com:0\"]}}",
   "site.json: $.https.targets[0]: 'api.example.com:0': port must be a "
   "number from 1 to 65535"},
  /* thresholds */
  {"{\"dns\": {\"warning\": \"1:x\"}}",
   "site.json: $.dns.warning: '1:x' is not a valid range: end is not a "
   "number"},
  {"{\"ntp\": {\"critical\": \"2:1\"}}",
   "site.json: $.ntp.critical: '2:1' is not a valid range: start is greater "
   "than end"},
  /* machines */
  {"{\"machines\": [{\"name\": \"m1\", \"address\": \"10.0.0.5\", "
   "\"protocol\": \"telnet\"}]}",
   "site.json: $.machines[0].protocol: unknown protocol (see "
   "docs/profiles.md)"},
  {"{\"machines\": [{\"name\": \"m1\", \"protocol\": \"modbus-tcp\"}]}",
   "site.json: $.machines[0]: missing member \"address\""},
  {"{\"machines\": [{\"name\": \"m1\", \"address\": \"plc1.local\", "
   "\"protocol\": \"modbus-tcp\"}]}",
   "site.json: $.machines[0].address: expected an IPv4 or IPv6 address"},
  /* proxy */
  {"{\"proxy\": {\"url\": \"http://user:secret@proxy.example:3128\"}}",
   "site.json: $.proxy.url: credentials are not allowed in the URL; use "
   "auth_file"},
  {"{\"proxy\": {\"url\": \"socks5://proxy.example:1080\"}}",
   "site.json: $.proxy.url: expected an http:// or https:// URL"},
  /* nats: plaintext credentials only in so many words */
  {"{\"nats\": {\"allow_plaintext_credentials\": \"yes\"}}",
   "site.json: $.nats.allow_plaintext_credentials: expected true or false, "
   "got string"},
  {"{\"nats\": {\"allow_plaintext_credentials\": 1}}",
   "site.json: $.nats.allow_plaintext_credentials: expected true or false, "
   "got number"},
};

START_TEST(text_refused_with_message)
{
  const struct bad_profile *c = &bad_profiles[_i];
  struct ep_err             err = EP_ERR_INIT;
  struct ep_profile        *p = load_text(c->text, &err);

  ck_assert_msg(p == NULL, "accepted: %s", c->text);
  ck_assert_int_eq(err.code, EP_EINVAL);
  ck_assert_str_eq(err.msg, c->msg);
}
END_TEST

/* --- user profiles in files --- */

static char tmpdir[64];

static void
make_tmpdir(void)
{
  snprintf(tmpdir, sizeof tmpdir, "/tmp/check_profile.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
  char cmd[128];

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    tmpdir[0] = '\0';
}

/* Writes text to tmpdir/name and returns the path in out. */
static void
write_profile(const char *name, const char *text, char *out, size_t size)
{
  FILE *f;

  snprintf(out, size, "%s/%s", tmpdir, name);
  f = fopen(out, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_ge(fputs(text, f), 0);
  ck_assert_int_eq(fclose(f), 0);
}

START_TEST(file_extends_relative_path)
{
  char               base[128], site[128], sub[128], child[128];
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p;

  write_profile("base.json",
                "{\"extends\": \"govcloud\",\n"
                " \"dns\": {\"servers\": [\"9.9.9.9\"]}}\n",
                base, sizeof base);
  write_profile("site.json", "{\"extends\": \"base.json\", \"timeout\": 3}\n",
                site, sizeof site);
  p = ep_profile_load(site, ep_profile_sections, &err);
  ck_assert_msg(p != NULL, "%s", err.msg);
  ck_assert_str_eq(p->name, site);
  ck_assert_double_eq(p->timeout, 3);
  ck_assert_uint_eq(p->resolvers.n, 1);
  ck_assert_str_eq(p->resolvers.v[0], "9.9.9.9");
  ck_assert_uint_eq(DNS(p)->names.n, 10);
  ck_assert_uint_eq(NTP(p)->servers.n, 4);
  ck_assert_str_eq(HTTPS(p)->targets.v[0], "api.machinemetrics-us-gov.com");
  ep_profile_free(p);

  /* relative to the extending file, not to the working directory */
  snprintf(sub, sizeof sub, "%s/sub", tmpdir);
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  write_profile("sub/child.json",
                "{\"extends\": \"../base.json\", \"ntp\": {\"samples\": 3}}\n",
                child, sizeof child);
  ck_assert_int_eq(chdir("/"), 0);
  p = ep_profile_load(child, ep_profile_sections, &err);
  ck_assert_msg(p != NULL, "%s", err.msg);
  ck_assert_str_eq(p->name, child);
  ck_assert_int_eq(NTP(p)->samples, 3);
  ck_assert_str_eq(p->resolvers.v[0], "9.9.9.9");
  ep_profile_free(p);
}
END_TEST

START_TEST(file_extends_cycle)
{
  char               a[128], b[128], want[256];
  struct ep_err      err = EP_ERR_INIT;

  write_profile("a.json", "{\"extends\": \"b.json\", \"timeout\": 1}\n", a,
                sizeof a);
  write_profile("b.json", "{\"extends\": \"a.json\", \"timeout\": 2}\n", b,
                sizeof b);
  ck_assert_ptr_null(ep_profile_load(a, ep_profile_sections, &err));
  ck_assert_int_eq(err.code, EP_EINVAL);
  snprintf(want, sizeof want,
           "%s: $.extends: profiles extend each other too deeply (a cycle?)",
           a);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(file_extends_itself)
{
  char               a[128], want[256];
  struct ep_err      err = EP_ERR_INIT;

  write_profile("self.json", "{\"extends\": \"self.json\"}\n", a, sizeof a);
  ck_assert_ptr_null(ep_profile_load(a, ep_profile_sections, &err));
  snprintf(want, sizeof want,
           "%s: $.extends: profiles extend each other too deeply (a cycle?)",
           a);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(file_missing)
{
  char          path[128], want[256];
  struct ep_err err = EP_ERR_INIT;

  snprintf(path, sizeof path, "%s/nosuch.json", tmpdir);
  ck_assert_ptr_null(ep_profile_load(path, ep_profile_sections, &err));
  ck_assert_int_eq(err.code, EP_EIO);
  snprintf(want, sizeof want, "%s: cannot open: No such file or directory",
           path);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(file_extends_missing)
{
  char          site[128], want[256];
  struct ep_err err = EP_ERR_INIT;

  write_profile("site.json", "{\"extends\": \"gone.json\"}\n", site,
                sizeof site);
  ck_assert_ptr_null(ep_profile_load(site, ep_profile_sections, &err));
  ck_assert_int_eq(err.code, EP_EIO);
  snprintf(want, sizeof want, "%s/gone.json: cannot open: No such file or "
                              "directory", tmpdir);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(file_error_names_the_file)
{
  char          base[128], site[128], want[256];
  struct ep_err err = EP_ERR_INIT;

  /* a mistake in the extended profile is reported against that file */
  write_profile("base.json", "{\"dns\": {\"bogus\": 1}}\n", base, sizeof base);
  write_profile("site.json", "{\"extends\": \"base.json\"}\n", site,
                sizeof site);
  ck_assert_ptr_null(ep_profile_load(site, ep_profile_sections, &err));
  snprintf(want, sizeof want, "%s: $.dns: unknown member \"bogus\"", base);
  ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(file_name_without_slash_needs_json_suffix)
{
  char               site[128];
  struct ep_err      err = EP_ERR_INIT;
  struct ep_profile *p;

  write_profile("plant.json", "{\"timeout\": 2}\n", site, sizeof site);
  ck_assert_int_eq(chdir(tmpdir), 0);
  p = ep_profile_load("plant.json", ep_profile_sections, &err);
  ck_assert_msg(p != NULL, "%s", err.msg);
  ck_assert_str_eq(p->name, "plant.json");
  ck_assert_double_eq(p->timeout, 2);
  ep_profile_free(p);
  ck_assert_ptr_null(ep_profile_load("plant", ep_profile_sections, &err));
  ck_assert_str_eq(err.msg,
                   "unknown profile 'plant': built-in profiles are standard "
                   "and govcloud; a profile file is given by its path");
}
END_TEST

static Suite *
profile_suite(void)
{
  Suite *s = suite_create("profile");
  TCase *tb = tcase_create("builtin");
  TCase *tt = tcase_create("text");
  TCase *tf = tcase_create("files");

  tcase_add_test(tb, builtin_names);
  tcase_add_test(tb, builtin_standard);
  tcase_add_test(tb, builtin_govcloud);
  tcase_add_test(tb, unknown_builtin);
  tcase_add_test(tb, machine_protocol_ports);
  suite_add_tcase(s, tb);

  tcase_add_test(tt, text_empty_object_gets_defaults);
  tcase_add_test(tt, text_extends_builtin_and_overrides);
  tcase_add_test(tt, text_list_entry_twice_is_one);
  tcase_add_loop_test(tt, text_refused_with_message, 0,
                      (int)(sizeof bad_profiles / sizeof bad_profiles[0]));
  suite_add_tcase(s, tt);

  tcase_add_checked_fixture(tf, make_tmpdir, remove_tmpdir);
  tcase_add_test(tf, file_extends_relative_path);
  tcase_add_test(tf, file_extends_cycle);
  tcase_add_test(tf, file_extends_itself);
  tcase_add_test(tf, file_missing);
  tcase_add_test(tf, file_extends_missing);
  tcase_add_test(tf, file_error_names_the_file);
  tcase_add_test(tf, file_name_without_slash_needs_json_suffix);
  suite_add_tcase(s, tf);
  return s;
}

int
main(void)
{
  SRunner *sr = srunner_create(profile_suite());
  int      failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
